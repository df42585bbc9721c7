package dev.echo.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A certificate a {@link CertificateAuthority} issued, with its private key and the CA's certificate. */
public final class Issued {
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final X509Certificate issuer;

    Issued(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.issuer = issuer;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public BigInteger serial() {
        return certificate.getSerialNumber();
    }

    /** The certificate then the CA's: what a server or client presents. */
    public List<X509Certificate> chain() {
        return List.of(certificate, issuer);
    }

    /** Writes {@link #chain()} as PEM, replacing {@code file} at once. */
    public void writeChain(Path file) throws IOException {
        PemOut.write(file, PemOut.certificates(chain()), false);
    }

    /** Writes the certificate alone as PEM. */
    public void writeCertificate(Path file) throws IOException {
        PemOut.write(file, PemOut.certificates(List.of(certificate)), false);
    }

    /** Writes the key as PKCS#8 PEM ({@code PRIVATE KEY}), 0600 where the file system allows. */
    public void writeKey(Path file) throws IOException {
        PemOut.write(file, PemOut.pkcs8(privateKey), true);
    }

    /** Writes the key in OpenSSL's traditional form, PKCS#1 for RSA or SEC1 for EC (for tests of those forms). */
    public void writeKeyPkcs1OrSec1(Path file) throws IOException {
        PemOut.write(file, PemOut.traditional(privateKey), true);
    }
}
