package dev.echo.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Certificates and private keys from PEM files, with the JDK alone: what a TLS listener or client needs
 * from the files openssl, cert-manager or {@code bin/echo-certs} write. Every failure, a half-written file
 * included, is a {@link TlsMaterialException} whose one-line message names the file and what is wrong.
 */
public final class PemFiles {
    /** Far above any CA bundle (the Mozilla one is about 220 KB); only a wrong file is larger. */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private static final String CERTIFICATE = "CERTIFICATE";

    /** The alias of the key entry in {@link #keyStore}. */
    public static final String KEY_ALIAS = "key";

    private PemFiles() {}

    /**
     * Every certificate in the file, in order (a chain, leaf first, or a CA bundle); at least one.
     * Text outside the PEM blocks and blocks of other kinds (a private key beside the chain) are skipped.
     *
     * @throws TlsMaterialException if the file cannot be read, holds no certificate, or any block is
     *     malformed (truncated, bad base64, not an X.509 certificate)
     */
    public static List<X509Certificate> certificates(Path file) throws TlsMaterialException {
        List<PemBlock> blocks = blocks(file);
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemBlock block : blocks) {
            if (block.label().equals(CERTIFICATE)) {
                try {
                    certificates.add(certificate(block));
                } catch (MaterialProblem e) {
                    throw new TlsMaterialException(file, e.getMessage(), e.getCause());
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(file, blocks.isEmpty()
                    ? "no certificate in the file (no PEM block)"
                    : "no certificate in the file (found " + PemBlock.labels(blocks) + ")");
        }
        return List.copyOf(certificates);
    }

    /**
     * The private key: PKCS#8 {@code PRIVATE KEY} (RSA, EC, Ed25519, Ed448), PKCS#1 {@code RSA PRIVATE
     * KEY} or SEC1 {@code EC PRIVATE KEY} (named curve), the forms openssl and cert-manager write. Other
     * blocks in the file (certificates, {@code EC PARAMETERS}) are skipped.
     *
     * @throws TlsMaterialException if the file cannot be read, holds no key or more than one, the key is
     *     encrypted, or its block is malformed
     */
    public static PrivateKey privateKey(Path file) throws TlsMaterialException {
        List<PemBlock> blocks = blocks(file);
        List<PemBlock> keys = blocks.stream().filter(PrivateKeys::isKey).toList();
        if (keys.isEmpty()) {
            throw new TlsMaterialException(file, "not a PEM private key (found " + PemBlock.labels(blocks) + ")");
        }
        if (keys.size() > 1) {
            throw new TlsMaterialException(file, keys.size() + " private keys in the file (one expected)");
        }
        try {
            return PrivateKeys.decode(keys.get(0));
        } catch (MaterialProblem e) {
            throw new TlsMaterialException(file, e.getMessage(), e.getCause());
        }
    }

    /**
     * True if {@code key} is the private half of the certificate's public key: RSA keys by their
     * modulus, others by signing a random nonce and verifying it with the certificate's key.
     */
    public static boolean matches(PrivateKey key, X509Certificate certificate) {
        Objects.requireNonNull(key, "key");
        PublicKey publicKey = certificate.getPublicKey();
        if (key instanceof RSAPrivateKey rsa) {
            if (!(publicKey instanceof RSAPublicKey rsaPublic) || !rsa.getModulus().equals(rsaPublic.getModulus())) {
                return false;
            }
            return !(key instanceof RSAPrivateCrtKey crt)
                    || crt.getPublicExponent().equals(rsaPublic.getPublicExponent());
        }
        String algorithm;
        if (key instanceof ECPrivateKey) {
            if (!(publicKey instanceof ECPublicKey)) {
                return false;
            }
            algorithm = "SHA256withECDSA";
        } else if (isEdDsa(key.getAlgorithm()) && isEdDsa(publicKey.getAlgorithm())) {
            algorithm = "EdDSA";
        } else {
            return false;
        }
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(nonce);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(nonce);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a key of another curve or kind: not this certificate's
        }
    }

    /**
     * One line for logs: {@code CN=localhost; SANs DNS:localhost, IP:127.0.0.1; serial 1a2b; not after
     * 2027-01-05T10:00:00Z} (the subject in RFC 2253 form, the serial in hex).
     */
    public static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName()
                + "; " + sans(certificate)
                + "; serial " + certificate.getSerialNumber().toString(16)
                + "; not after " + certificate.getNotAfter().toInstant();
    }

    /**
     * A key store for a {@code KeyManagerFactory}: the key of {@code keyFile} under {@link #KEY_ALIAS}
     * with the chain of {@code chainFile}, protected by the empty password ({@code new char[0]}); in
     * memory only.
     *
     * @throws TlsMaterialException as {@link #certificates} and {@link #privateKey}, and naming the key
     *     file if the key is not the first certificate's
     */
    public static KeyStore keyStore(Path chainFile, Path keyFile) throws TlsMaterialException {
        List<X509Certificate> chain = certificates(chainFile);
        PrivateKey key = privateKey(keyFile);
        if (!matches(key, chain.get(0))) {
            throw new TlsMaterialException(keyFile, "the private key does not match the certificate in "
                    + chainFile + " (" + describe(chain.get(0)) + ")");
        }
        try {
            KeyStore store = emptyStore();
            store.setKeyEntry(KEY_ALIAS, key, new char[0], chain.toArray(new X509Certificate[0]));
            return store;
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(keyFile, "the key store refused the key: " + PrivateKeys.oneLine(e), e);
        }
    }

    /**
     * A key store for a {@code TrustManagerFactory}: every certificate of {@code bundleFile} as a trusted
     * entry ({@code ca-0}, {@code ca-1}, ...).
     *
     * @throws TlsMaterialException as {@link #certificates}
     */
    public static KeyStore trustStore(Path bundleFile) throws TlsMaterialException {
        List<X509Certificate> certificates = certificates(bundleFile);
        try {
            KeyStore store = emptyStore();
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(bundleFile, "the key store refused a certificate: "
                    + PrivateKeys.oneLine(e), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e); // load(null, ...) reads nothing
        }
        return store;
    }

    private static List<PemBlock> blocks(Path file) throws TlsMaterialException {
        byte[] bytes = read(file);
        try {
            return PemBlock.parse(bytes);
        } catch (MaterialProblem e) {
            throw new TlsMaterialException(file, e.getMessage(), e.getCause());
        }
    }

    private static byte[] read(Path file) throws TlsMaterialException {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new TlsMaterialException(file, "cannot read: No such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsMaterialException(file, "cannot read: Permission denied", e);
        } catch (IOException | RuntimeException e) {
            throw new TlsMaterialException(file, "cannot read: " + PrivateKeys.oneLine(e), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new TlsMaterialException(file, "larger than " + MAX_FILE_BYTES + " bytes: not a PEM file");
        }
        return bytes;
    }

    private static X509Certificate certificate(PemBlock block) throws MaterialProblem {
        // The factory reads one certificate from a stream and ignores what follows: check the DER spans the block.
        Der.Reader reader = new Der.Reader(block.der());
        reader.next(Der.SEQUENCE, "certificate sequence");
        if (reader.hasMore()) {
            throw new MaterialProblem("the CERTIFICATE block on line " + block.line() + " is not valid DER"
                    + " (bytes after the certificate)");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(block.der()));
        } catch (CertificateException | RuntimeException e) {
            throw new MaterialProblem("the CERTIFICATE block on line " + block.line()
                    + " is not an X.509 certificate: " + PrivateKeys.oneLine(e), e);
        }
    }

    private static String sans(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return "SANs unreadable";
        }
        if (names == null || names.isEmpty()) {
            return "no SANs";
        }
        List<String> parts = new ArrayList<>();
        for (List<?> name : names) {
            int type = (Integer) name.get(0);
            Object value = name.get(1);
            parts.add(switch (type) {
                case 1 -> "email:" + value;
                case 2 -> "DNS:" + value;
                case 4 -> "DirName:" + value;
                case 6 -> "URI:" + value;
                case 7 -> "IP:" + compactIp(String.valueOf(value));
                default -> "other:" + type;
            });
        }
        return "SANs " + String.join(", ", parts);
    }

    /** The JDK writes {@code ::1} as {@code 0:0:0:0:0:0:0:1}; logs read better with the usual short form. */
    static String compactIp(String literal) {
        if (literal.indexOf(':') < 0) {
            return literal;
        }
        try {
            String full = InetAddress.getByName(literal).getHostAddress();
            String[] groups = full.split(":");
            int bestStart = -1;
            int bestLength = 1;
            for (int i = 0; i < groups.length; ) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = Math.max(j, i + 1);
            }
            if (bestStart < 0) {
                return full;
            }
            return String.join(":", List.of(groups).subList(0, bestStart)) + "::"
                    + String.join(":", List.of(groups).subList(bestStart + bestLength, groups.length));
        } catch (UnknownHostException | RuntimeException e) {
            return literal;
        }
    }

    private static boolean isEdDsa(String algorithm) {
        return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
    }
}
