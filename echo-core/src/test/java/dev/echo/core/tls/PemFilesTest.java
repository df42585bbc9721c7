package dev.echo.core.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PemFiles against the files openssl writes (src/test/resources/tls, see its README) and broken ones. */
class PemFilesTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(PemFilesTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "rsa-pkcs8.key, rsa.pem, RSA",
        "rsa-pkcs1.key, rsa.pem, RSA",
        "ec-pkcs8.key, ec.pem, EC",
        "ec-sec1.key, ec.pem, EC",
        "ec-sec1-with-params.key, ec.pem, EC",
        "ed25519.key, ed25519.pem, Ed",
    })
    void everyFormOpensslWritesIsReadAndMatchesItsCertificate(String key, String cert, String algorithm)
            throws Exception {
        PrivateKey privateKey = PemFiles.privateKey(fixture(key));
        assertTrue(privateKey.getAlgorithm().startsWith(algorithm), privateKey.getAlgorithm());
        assertTrue(PemFiles.matches(privateKey, PemFiles.certificates(fixture(cert)).get(0)));
    }

    @Test
    void pkcs1AndSec1AreTheSameKeysAsTheirPkcs8Forms() throws Exception {
        assertArrayEquals(PemFiles.privateKey(fixture("rsa-pkcs8.key")).getEncoded(),
                PemFiles.privateKey(fixture("rsa-pkcs1.key")).getEncoded());
        ECPrivateKey pkcs8 = (ECPrivateKey) PemFiles.privateKey(fixture("ec-pkcs8.key"));
        ECPrivateKey sec1 = (ECPrivateKey) PemFiles.privateKey(fixture("ec-sec1.key"));
        assertEquals(pkcs8.getS(), sec1.getS());
        assertEquals(pkcs8.getParams().getCurve(), sec1.getParams().getCurve());
        ECPrivateKey p384 = (ECPrivateKey) PemFiles.privateKey(fixture("ec384-sec1.key"));
        assertEquals(384, p384.getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void aKeyOfAnotherPairOrKindDoesNotMatch() throws Exception {
        X509Certificate ec = PemFiles.certificates(fixture("ec.pem")).get(0);
        X509Certificate rsa = PemFiles.certificates(fixture("rsa.pem")).get(0);
        X509Certificate ed = PemFiles.certificates(fixture("ed25519.pem")).get(0);
        assertFalse(PemFiles.matches(PemFiles.privateKey(fixture("ec-other-pkcs8.key")), ec), "same curve");
        assertFalse(PemFiles.matches(PemFiles.privateKey(fixture("ec384-sec1.key")), ec), "other curve");
        assertFalse(PemFiles.matches(PemFiles.privateKey(fixture("rsa-pkcs8.key")), ec));
        assertFalse(PemFiles.matches(PemFiles.privateKey(fixture("ec-pkcs8.key")), rsa));
        assertFalse(PemFiles.matches(PemFiles.privateKey(fixture("ec-pkcs8.key")), ed));
        assertFalse(PemFiles.matches(PemFiles.privateKey(fixture("ed25519.key")), ec));
    }

    @Test
    void aBundleGivesEveryCertificateInOrder() throws Exception {
        List<X509Certificate> bundle = PemFiles.certificates(fixture("bundle.pem"));
        assertEquals(List.of("CN=rsa.test", "CN=ec.test"),
                bundle.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
    }

    @Test
    void describeIsOneLineWithSubjectSansSerialAndNotAfter() throws Exception {
        assertEquals("CN=rsa.test; SANs DNS:rsa.test, IP:127.0.0.1, IP:::1; serial 1a2b;"
                        + " not after 2126-11-11T14:09:28Z",
                PemFiles.describe(PemFiles.certificates(fixture("rsa.pem")).get(0)));
        assertEquals("CN=ed.test; no SANs; serial ed; not after 2126-11-11T14:09:28Z",
                PemFiles.describe(PemFiles.certificates(fixture("ed25519.pem")).get(0)));
    }

    @Test
    void ipv6LiteralsAreWrittenShort() {
        assertEquals("::1", PemFiles.compactIp("0:0:0:0:0:0:0:1"));
        assertEquals("::", PemFiles.compactIp("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::1:0:0:2", PemFiles.compactIp("fe80:0:0:0:1:0:0:2"));
        assertEquals("1:2:3:4:5:6:7:8", PemFiles.compactIp("1:2:3:4:5:6:7:8"));
        assertEquals("1:0:2:3:4:5:6:7", PemFiles.compactIp("1:0:2:3:4:5:6:7"));
        assertEquals("127.0.0.1", PemFiles.compactIp("127.0.0.1"));
    }

    @Test
    void theWrongKindOfFileSaysWhatItFound() throws Exception {
        assertMessage("rsa.pem: not a PEM private key (found CERTIFICATE)", fixture("rsa.pem"), true);
        assertMessage("rsa-pkcs8.key: no certificate in the file (found PRIVATE KEY)", fixture("rsa-pkcs8.key"), false);
        Path empty = write("empty.pem", "");
        assertMessage("empty.pem: no certificate in the file (no PEM block)", empty, false);
        assertMessage("empty.pem: not a PEM private key (found no PEM block)", empty, true);
        assertMessage("missing.pem: cannot read: No such file", dir.resolve("missing.pem"), false);
        assertMessage(dir.getFileName() + ": cannot read: Is a directory", dir, false);
    }

    @Test
    void encryptedKeysAreRefusedInBothForms() {
        for (String name : List.of("encrypted-pkcs8.key", "encrypted-pkcs1.key")) {
            TlsMaterialException e =
                    assertThrows(TlsMaterialException.class, () -> PemFiles.privateKey(fixture(name)));
            assertTrue(e.problem().startsWith("encrypted private keys are not supported"), e.getMessage());
            assertEquals(fixture(name), e.file());
        }
    }

    @Test
    void sec1WithoutANamedCurveIsRefusedWithTheReason() throws Exception {
        assertProblemStarts("EC private key with explicit curve parameters", fixture("ec-sec1-explicit.key"));
        // The same key without its [0] parameters: the curve is nowhere.
        byte[] der = onlyBlock(fixture("ec-sec1.key"));
        Der.Reader fields = new Der.Reader(der).next(Der.SEQUENCE, "key").contents();
        byte[] version = fields.next().encoded();
        byte[] octets = fields.next().encoded();
        fields.next(Der.CONTEXT_0, "parameters");
        byte[] publicKey = fields.next().encoded();
        Path noCurve = pem("no-curve.key", "EC PRIVATE KEY", Der.encode(Der.SEQUENCE, version, octets, publicKey));
        assertProblemStarts("EC private key without its curve", noCurve);
    }

    @Test
    void twoKeysInOneFileAreRefused() throws Exception {
        Path two = write("two.key", Files.readString(fixture("ec-pkcs8.key")) + Files.readString(fixture("rsa-pkcs1.key")));
        assertMessage("two.key: 2 private keys in the file (one expected)", two, true);
    }

    @Test
    void aKeyBesideItsCertificateAndTextAroundBlocksAndCrlfAreRead() throws Exception {
        String combined = "subject=CN = ec.test\n" + Files.readString(fixture("ec.pem")) + "trailing words\n"
                + Files.readString(fixture("ec-sec1-with-params.key"));
        Path file = write("combined.pem", combined.replace("\n", "\r\n"));
        assertTrue(PemFiles.matches(PemFiles.privateKey(file), PemFiles.certificates(file).get(0)));
    }

    /**
     * A file cut anywhere before its first END line (as a reader racing a writer sees it) is refused;
     * cut later, it is refused or read (a bundle's first certificate alone), never another exception.
     */
    @ParameterizedTest
    @CsvSource({"rsa.pem", "bundle.pem", "rsa-pkcs1.key", "ec-sec1.key", "ec-pkcs8.key", "ed25519.key"})
    void aFileCutBeforeItsEndLineIsRefused(String name) throws Exception {
        byte[] whole = Files.readAllBytes(fixture(name));
        int firstEnd = new String(whole, StandardCharsets.US_ASCII).indexOf("-----END ");
        boolean key = name.endsWith(".key");
        for (int length = 0; length < whole.length; length++) {
            Path cut = dir.resolve("cut-" + length);
            Files.write(cut, java.util.Arrays.copyOf(whole, length));
            if (length <= firstEnd) {
                assertThrows(TlsMaterialException.class, () -> read(cut, key), "cut at " + length);
            } else {
                readOrRefuse(cut, key);
            }
            Files.delete(cut);
        }
    }

    @Test
    void badBase64AndAMissingEndLineAreNamed() throws Exception {
        String cert = Files.readString(fixture("ec.pem"));
        Path bad = write("bad.pem", cert.replaceFirst("\n(.)", "\n!$1"));
        assertProblemStarts("bad base64 in the CERTIFICATE block on line 1", bad, false);
        Path noEnd = write("noend.pem", cert.substring(0, cert.indexOf("-----END")));
        assertProblemStarts("BEGIN CERTIFICATE on line 1 has no END line", noEnd, false);
        Path mismatched = write("mismatched.pem", cert.replace("END CERTIFICATE", "END PRIVATE KEY"));
        assertProblemStarts("BEGIN CERTIFICATE on line 1 ends with END PRIVATE KEY", mismatched, false);
        Path empty = write("emptyblock.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        assertProblemStarts("empty CERTIFICATE block", empty, false);
    }

    /** Every byte of the DER replaced in turn: the JDK's parsers may throw anything, PemFiles only its own. */
    @ParameterizedTest
    @CsvSource({"ec.pem", "ec-sec1.key", "ec-pkcs8.key", "rsa-pkcs1.key", "ed25519.key"})
    void garbledDerGivesOnlyTlsMaterialException(String name) throws Exception {
        byte[] der = onlyBlock(fixture(name));
        String label = PemBlock.parse(Files.readAllBytes(fixture(name))).stream()
                .filter(b -> !b.label().equals("EC PARAMETERS")).findFirst().orElseThrow().label();
        boolean key = name.endsWith(".key");
        java.util.Random random = new java.util.Random(name.hashCode());
        int step = Math.max(1, der.length / 300); // bounded: at most about 300 variants per file
        for (int i = 0; i < der.length; i += step) {
            byte[] garbled = der.clone();
            garbled[i] = (byte) (garbled[i] ^ (1 + random.nextInt(255)));
            readOrRefuse(pem("garbled-" + i, label, garbled), key);
            readOrRefuse(pem("short-" + i, label, java.util.Arrays.copyOf(der, i)), key);
        }
        byte[] noise = new byte[512];
        random.nextBytes(noise);
        assertThrows(TlsMaterialException.class, () -> read(pem("noise", label, noise), key));
        Path binary = dir.resolve("binary");
        Files.write(binary, noise);
        assertThrows(TlsMaterialException.class, () -> read(binary, key));
    }

    @Test
    void bytesAfterTheDerAreRefused() throws Exception {
        byte[] cert = onlyBlock(fixture("ec.pem"));
        byte[] longer = java.util.Arrays.copyOf(cert, cert.length + 2);
        assertProblemStarts("the CERTIFICATE block on line 1 is not valid DER (bytes after the certificate)",
                pem("longer.pem", "CERTIFICATE", longer), false);
        byte[] key = onlyBlock(fixture("ec-sec1.key"));
        assertProblemStarts("not valid DER (bytes after the EC PRIVATE KEY)",
                pem("longer.key", "EC PRIVATE KEY", java.util.Arrays.copyOf(key, key.length + 1)));
    }

    @Test
    void keyStoreHoldsAMatchingPairAndRefusesAMismatchNamingTheKey() throws Exception {
        KeyStore store = PemFiles.keyStore(fixture("ec.pem"), fixture("ec-sec1.key"));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        assertEquals(1, factory.getKeyManagers().length);
        TlsMaterialException e = assertThrows(TlsMaterialException.class,
                () -> PemFiles.keyStore(fixture("ec.pem"), fixture("ec-other-pkcs8.key")));
        assertEquals(fixture("ec-other-pkcs8.key"), e.file());
        assertTrue(e.problem().startsWith("the private key does not match the certificate in "), e.getMessage());
        assertEquals(2, PemFiles.trustStore(fixture("bundle.pem")).size());
    }

    private static Object read(Path file, boolean key) throws TlsMaterialException {
        return key ? PemFiles.privateKey(file) : PemFiles.certificates(file);
    }

    private static void readOrRefuse(Path file, boolean key) {
        try {
            read(file, key);
        } catch (TlsMaterialException expected) {
            assertTrue(expected.getMessage().startsWith(file + ": "), expected.getMessage());
            assertFalse(expected.getMessage().contains("\n"), expected.getMessage());
        }
    }

    private void assertMessage(String expected, Path file, boolean key) {
        TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> read(file, key));
        assertEquals(expected, e.getMessage().replace(file.getParent() == null ? "" : file.getParent() + "/", ""));
    }

    private static void assertProblemStarts(String expected, Path file) {
        assertProblemStarts(expected, file, true);
    }

    private static void assertProblemStarts(String expected, Path file, boolean key) {
        TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> read(file, key));
        assertTrue(e.problem().startsWith(expected), e.getMessage());
    }

    private static byte[] onlyBlock(Path file) throws Exception {
        return PemBlock.parse(Files.readAllBytes(file)).stream()
                .filter(b -> !b.label().equals("EC PARAMETERS")).findFirst().orElseThrow().der();
    }

    private Path pem(String name, String label, byte[] der) throws Exception {
        return write(name, "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
