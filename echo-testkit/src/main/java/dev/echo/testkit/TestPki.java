package dev.echo.testkit;

import dev.echo.certs.CertificateAuthority;
import dev.echo.certs.Issued;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Certificates for tests of TLS, as PEM files in a folder (a test's {@code @TempDir}): a CA ({@code
 * ca.pem}), a server certificate for localhost, 127.0.0.1 and ::1 ({@code server.pem} chain, {@code
 * server.key}) and a client certificate ({@code client.pem}, {@code client.key}), valid from a minute ago
 * for a day; and on demand the ones a refusal test needs, each written once as {@code NAME.pem} (its
 * chain) and {@code NAME.key} (PKCS#8). EC P-256 keys: issuing takes milliseconds.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create(dir);
 * server --tls-cert pki.server().certificate() --tls-key pki.server().key() --tls-client-ca pki.caCertificate()
 * client --tls-ca pki.caCertificate() --tls-cert pki.expiredClient().certificate() ...   // refused: expired
 * }</pre>
 */
public final class TestPki {
    /** Every host name the standard server certificate carries. */
    public static final List<String> SERVER_NAMES = List.of("localhost", "127.0.0.1", "::1");
    /** The only name {@link #serverForOtherName()} carries. */
    public static final String OTHER_NAME = "other.invalid";

    private static final Duration VALIDITY = Duration.ofDays(1);
    private static final Duration BACKDATE = Duration.ofMinutes(1);

    /** A certificate chain file and its key file. */
    public record Pair(Path certificate, Path key) {}

    private final Path dir;
    private final CertificateAuthority ca;
    private final Path caCertificate;
    private final Pair server;
    private final Pair client;
    private final Map<String, Pair> onDemand = new HashMap<>();
    private CertificateAuthority otherCa;

    private TestPki(Path dir, CertificateAuthority ca) throws IOException {
        this.dir = dir;
        this.ca = ca;
        this.caCertificate = dir.resolve("ca.pem");
        ca.writeCertificate(caCertificate);
        Instant now = Instant.now();
        this.server = write("server", ca.issueServer("localhost", SERVER_NAMES, now.minus(BACKDATE), now.plus(VALIDITY)));
        this.client = write("client", ca.issueClient("echo test client", now.minus(BACKDATE), now.plus(VALIDITY)));
    }

    /** Writes a fresh CA, server and client into {@code dir} (made if missing). */
    public static TestPki create(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new TestPki(dir, CertificateAuthority.create("echo test CA", VALIDITY.plus(VALIDITY)));
    }

    public Path dir() {
        return dir;
    }

    /** {@code ca.pem}: what servers and clients trust. */
    public Path caCertificate() {
        return caCertificate;
    }

    /** The CA itself, to issue more (a replacement server certificate for a reload test). */
    public CertificateAuthority ca() {
        return ca;
    }

    /** {@code server.pem}, {@code server.key}: CN=localhost, SANs {@link #SERVER_NAMES}. */
    public Pair server() {
        return server;
    }

    /** {@code client.pem}, {@code client.key}: CN=echo test client. */
    public Pair client() {
        return client;
    }

    /** {@code expired-client.*}: from this CA, valid for an hour that ended an hour ago. */
    public synchronized Pair expiredClient() {
        return onDemand("expired-client", () -> {
            Instant now = Instant.now();
            return ca.issueClient("expired client", now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
        });
    }

    /** {@code other-ca-client.*}: a valid client certificate from another CA ({@code other-ca.pem}). */
    public synchronized Pair clientFromOtherCa() {
        return onDemand("other-ca-client", () -> {
            Instant now = Instant.now();
            return otherCa().issueClient("other CA's client", now.minus(BACKDATE), now.plus(VALIDITY));
        });
    }

    /** {@code other-name-server.*}: from this CA, valid, but for {@link #OTHER_NAME} only. */
    public synchronized Pair serverForOtherName() {
        return onDemand("other-name-server", () -> {
            Instant now = Instant.now();
            return ca.issueServer(OTHER_NAME, List.of(OTHER_NAME), now.minus(BACKDATE), now.plus(VALIDITY));
        });
    }

    /** {@code not-yet-valid-server.*}: from this CA for {@link #SERVER_NAMES}, valid from tomorrow. */
    public synchronized Pair notYetValidServer() {
        return onDemand("not-yet-valid-server", () -> {
            Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
            return ca.issueServer("localhost", SERVER_NAMES, tomorrow, tomorrow.plus(VALIDITY));
        });
    }

    /** {@code other-ca.pem}: the CA of {@link #clientFromOtherCa()}, which this PKI's servers do not trust. */
    public synchronized Path otherCaCertificate() {
        otherCa();
        return dir.resolve("other-ca.pem");
    }

    /** Writes a certificate's chain and key as {@code NAME.pem} and {@code NAME.key}, replacing each at once. */
    public Pair write(String name, Issued issued) throws IOException {
        Pair pair = new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
        issued.writeChain(pair.certificate());
        issued.writeKey(pair.key());
        return pair;
    }

    private CertificateAuthority otherCa() {
        if (otherCa == null) {
            otherCa = CertificateAuthority.create("other test CA", VALIDITY.plus(VALIDITY));
            try {
                otherCa.writeCertificate(dir.resolve("other-ca.pem"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return otherCa;
    }

    private Pair onDemand(String name, java.util.function.Supplier<Issued> issue) {
        return onDemand.computeIfAbsent(name, n -> {
            try {
                return write(n, issue.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + n + " into " + dir, e);
            }
        });
    }
}
