package dev.echo.core.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys written at test time by the installed openssl, in all three forms, so that a newer openssl's
 * output is read too (the checked-in fixtures hold one version's). Skipped where there is no openssl.
 */
class OpensslKeysTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsOpenssl() {
        assumeTrue(Files.isExecutable(OPENSSL), "no " + OPENSSL + ": keys written by openssl at test time are not checked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ec"})
    void keysInEveryFormMatchTheirCertificateAndNotAnother(String kind) throws Exception {
        String pkcs8 = "key.pem";
        if (kind.equals("rsa")) {
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pkcs8);
            openssl("rsa", "-in", pkcs8, "-traditional", "-out", "legacy.pem");
        } else {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pkcs8);
            openssl("ec", "-in", pkcs8, "-out", "legacy.pem");
        }
        openssl("req", "-x509", "-new", "-key", pkcs8, "-subj", "/CN=localhost", "-days", "2", "-out", "cert.pem");
        openssl("genpkey", "-algorithm", kind.equals("rsa") ? "RSA" : "EC", "-pkeyopt",
                kind.equals("rsa") ? "rsa_keygen_bits:2048" : "ec_paramgen_curve:P-256", "-out", "other.pem");

        String legacyLabel = kind.equals("rsa") ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----";
        assertTrue(Files.readString(dir.resolve("legacy.pem")).startsWith(legacyLabel), "openssl wrote another form");
        X509Certificate certificate = PemFiles.certificates(dir.resolve("cert.pem")).get(0);
        PrivateKey fromPkcs8 = PemFiles.privateKey(dir.resolve(pkcs8));
        PrivateKey fromLegacy = PemFiles.privateKey(dir.resolve("legacy.pem"));
        assertTrue(PemFiles.matches(fromPkcs8, certificate));
        assertTrue(PemFiles.matches(fromLegacy, certificate));
        if (kind.equals("rsa")) {
            assertArrayEquals(fromPkcs8.getEncoded(), fromLegacy.getEncoded());
        }
        assertFalse(PemFiles.matches(PemFiles.privateKey(dir.resolve("other.pem")), certificate));
        assertEquals("CN=localhost", certificate.getSubjectX500Principal().getName());
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl did not finish in 30 s: " + command);
        assertEquals(0, process.exitValue(), () -> command + " failed: " + read(dir.resolve("openssl.log")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
