package dev.echo.it;

import dev.echo.certs.CertificateAuthority;
import dev.echo.certs.Issued;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Certificates for the TLS attack tests, issued in this JVM with echo-certs' {@link
 * CertificateAuthority}: a CA; a server certificate for localhost and 127.0.0.1; a client
 * certificate and an expired one; a "stranger" client of another CA. PEM files in one directory, keys
 * as PKCS#8. {@link #reissueServer} issues a new server certificate and key (a new serial) for reloads.
 */
final class TlsPki {
    private static final Duration DAY = Duration.ofDays(1);
    private static final List<String> SERVER_NAMES = List.of("localhost", "127.0.0.1");

    final Path dir;
    final Path caPem;
    final Path serverPem;
    final Path serverKey;
    final Path clientPem;
    final Path clientKey;
    final Path expiredClientPem;
    final Path expiredClientKey;
    final Path strangerPem;
    final Path strangerKey;
    private final CertificateAuthority ca;

    private TlsPki(Path dir, CertificateAuthority ca) {
        this.dir = dir;
        this.ca = ca;
        this.caPem = dir.resolve("ca.pem");
        this.serverPem = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        this.clientPem = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client.key");
        this.expiredClientPem = dir.resolve("expired-client.pem");
        this.expiredClientKey = dir.resolve("expired-client.key");
        this.strangerPem = dir.resolve("stranger.pem");
        this.strangerKey = dir.resolve("stranger.key");
    }

    /** Writes everything into {@code dir}. */
    static TlsPki create(Path dir) throws IOException {
        TlsPki pki = new TlsPki(dir, CertificateAuthority.create("echo it CA", Duration.ofDays(30)));
        pki.ca.writeCertificate(pki.caPem);
        pki.issueServer(pki.serverPem, pki.serverKey);
        Instant now = Instant.now();
        Issued client = pki.ca.issueClient("echo it client", now.minus(DAY), now.plus(DAY.multipliedBy(10)));
        client.writeChain(pki.clientPem);
        client.writeKey(pki.clientKey);
        Issued expired = pki.ca.issueClient("echo it expired client", now.minus(DAY.multipliedBy(10)), now.minus(DAY));
        expired.writeChain(pki.expiredClientPem);
        expired.writeKey(pki.expiredClientKey);
        CertificateAuthority other = CertificateAuthority.create("another CA", Duration.ofDays(30));
        Issued stranger = other.issueClient("stranger", now.minus(DAY), now.plus(DAY.multipliedBy(10)));
        stranger.writeChain(pki.strangerPem);
        stranger.writeKey(pki.strangerKey);
        return pki;
    }

    /** Issues a new server certificate and key (a new serial) into the two files; returns the serial. */
    BigInteger issueServer(Path chain, Path key) throws IOException {
        Instant now = Instant.now();
        Issued server = ca.issueServer("localhost", SERVER_NAMES, now.minus(DAY), now.plus(DAY.multipliedBy(10)));
        server.writeChain(chain);
        server.writeKey(key);
        return server.serial();
    }

    /** The serial of the first certificate in a PEM file. */
    static BigInteger serial(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }
}
