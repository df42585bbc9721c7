package dev.echo.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM text for certificates and keys, and files written whole: a temporary file in the same folder
 * (0600 for keys where the file system has POSIX permissions) moved over the target, so that a reader
 * (a server reloading its certificate) never sees a half-written file.
 */
final class PemOut {
    private PemOut() {}

    static String certificates(List<X509Certificate> certificates) {
        return pem(certificates.toArray());
    }

    /** PKCS#8 {@code PRIVATE KEY}, the form every TLS stack reads. */
    static String pkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode the " + key.getAlgorithm() + " key", e);
        }
    }

    /**
     * OpenSSL's traditional form: PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}. SEC1 is
     * rebuilt with its curve in {@code [0]}: the JDK's PKCS#8 encoding leaves it out of the inner key,
     * and a SEC1 key without it names no curve.
     */
    static String traditional(PrivateKey key) {
        if (!(key instanceof java.security.interfaces.ECPrivateKey ec)) {
            return pem(key);
        }
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
            ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
            int orderBits = ec.getParams().getOrder().bitLength();
            ECPrivateKey sec1 = new ECPrivateKey(orderBits, inner.getKey(), inner.getPublicKey(), curve);
            return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode the EC key as SEC1", e);
        }
    }

    private static String pem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** Writes {@code text} to {@code file} at once; {@code secret} files are readable by their owner only. */
    static void write(Path file, String text, boolean secret) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = secret && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(folder, "." + absolute.getFileName(), ".tmp", attributes);
        try {
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            if (!secret && posix) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
