package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.tls.ClientTls;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's certificate replaced 10 times while 100 TLS clients run: alternately by rewriting the
 * files in place and by Kubernetes' way of updating a mounted Secret (timestamped directories, a
 * {@code ..data} symlink to the current one swapped atomically by renaming a new link over it,
 * {@code tls.crt -> ..data/tls.crt}). Zero failed requests; each new connection soon sees the new
 * certificate's serial; a broken replacement (a key that does not match), by either way, is refused
 * and counted, and the last good certificate stays. Of each server's 50 clients, 40 keep their
 * connections (those must be untouched) and 10 make a new connection every {@value
 * #REQUESTS_PER_CONNECTION} requests, so that handshakes run throughout the reloads: each
 * replacement must be presented to them before the next is made. The servers run as their own processes.
 */
class TlsReloadUnderLoadIT {
    private static final int CLIENTS = 100;
    private static final int REPLACEMENTS = 10;
    /** Of each server's {@code CLIENTS / 2}: those that reconnect. */
    private static final int RECONNECTING = 10;
    static final int REQUESTS_PER_CONNECTION = 5;
    private static final Duration RELOAD_INTERVAL = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void replacedCertificatesAreServedToNewConnectionsWithoutAFailedRequest() throws Exception {
        Path pkiDir = Files.createDirectories(dir.resolve("pki"));
        TlsPki pki = TlsPki.create(pkiDir);
        // Rewritten in place.
        Path plainDir = Files.createDirectories(dir.resolve("plain"));
        Path plainCert = plainDir.resolve("tls.crt");
        Path plainKey = plainDir.resolve("tls.key");
        // Kubernetes' layout: secret/..2026_..._N/{tls.crt,tls.key}, secret/..data -> ..2026_..._N, secret/tls.crt -> ..data/tls.crt.
        Path secret = Files.createDirectories(dir.resolve("secret"));
        BigInteger first = swapIn(pki, secret, 0);
        Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data", "tls.key"));
        Files.copy(pki.serverPem, plainCert);
        Files.copy(pki.serverKey, plainKey);

        // Two servers, one per way of replacing; the clients are split between them.
        try (ServerProcess rewritten = start("echo-server-rewritten", plainCert, plainKey);
             ServerProcess swapped = start("echo-server-swapped", secret.resolve("tls.crt"), secret.resolve("tls.key"))) {
            int rewrittenPort = rewritten.awaitPort(Duration.ofSeconds(30));
            int swappedPort = swapped.awaitPort(Duration.ofSeconds(30));
            int rewrittenMetrics = TlsSide.metricsPort(rewritten);
            int swappedMetrics = TlsSide.metricsPort(swapped);
            ClientTls tls = TlsSide.trusting(pki);
            assertEquals(TlsPki.serial(pki.serverPem), servedSerial(tls, rewrittenPort));
            assertEquals(first, servedSerial(tls, swappedPort));

            try (TlsSide.Measured onRewritten = TlsSide.Measured.start(tls, rewrittenPort, CLIENTS / 2, RECONNECTING,
                    REQUESTS_PER_CONNECTION);
                 TlsSide.Measured onSwapped = TlsSide.Measured.start(tls, swappedPort, CLIENTS / 2, RECONNECTING,
                         REQUESTS_PER_CONNECTION)) {
                // Every client connected and answered before the first replacement: failures from here on count.
                onRewritten.awaitEveryClientAnswered(5, WAIT);
                onSwapped.awaitEveryClientAnswered(5, WAIT);
                long failuresBefore = onRewritten.failures() + onSwapped.failures();
                List<String> replacements = new ArrayList<>();
                for (int n = 1; n <= REPLACEMENTS; n++) {
                    boolean bySwap = n % 2 == 0;
                    BigInteger serial;
                    int port;
                    TlsSide.Measured clients;
                    if (bySwap) {
                        serial = swapIn(pki, secret, n);
                        port = swappedPort;
                        clients = onSwapped;
                    } else {
                        serial = rewrite(pki, plainCert, plainKey);
                        port = rewrittenPort;
                        clients = onRewritten;
                    }
                    long start = System.nanoTime();
                    String way = bySwap ? "..data swap" : "rewritten";
                    Await.until("replacement " + n + " (" + way + ") served to new connections",
                            WAIT, () -> serial.equals(servedSerialOrNull(tls, port)));
                    long pickedUp = System.nanoTime();
                    Await.until("replacement " + n + " (" + way + ") presented to the reconnecting clients", WAIT,
                            () -> clients.served(serial), clients::summary);
                    // Seen by us: the first new connection of ours served it, which is the server's pick-up (the
                    // README's) plus our handshakes under this load (0.2 to 1.5 s each, seen 2026-12-06); then by the
                    // reconnecting clients, which make a connection every 5 requests.
                    replacements.add(n + (bySwap ? " swap " : " rewrite ") + (pickedUp - start) / 1_000_000 + " ms, clients +"
                            + (System.nanoTime() - pickedUp) / 1_000_000 + " ms");
                }
                int served = REPLACEMENTS / 2;
                assertEquals(served, TlsSide.sample(TlsSide.scrape(rewrittenMetrics), "echo_tls_reloads_total", "result", "ok"),
                        "expected each rewrite loaded once: " + TlsSide.tlsLines(TlsSide.scrape(rewrittenMetrics)));
                assertEquals(served, TlsSide.sample(TlsSide.scrape(swappedMetrics), "echo_tls_reloads_total", "result", "ok"),
                        "expected each ..data swap loaded once: " + TlsSide.tlsLines(TlsSide.scrape(swappedMetrics)));

                // A broken replacement: a key that matches no certificate here. Refused, counted, the last good stays.
                BigInteger lastGood = TlsPki.serial(plainCert);
                Files.copy(pki.strangerKey, plainKey, StandardCopyOption.REPLACE_EXISTING);
                Await.until("the broken replacement refused", WAIT, () -> TlsSide.sample(TlsSide.scrapeOrEmpty(rewrittenMetrics),
                        "echo_tls_reloads_total", "result", "refused") == 1, () -> TlsSide.tlsLines(TlsSide.scrapeOrEmpty(rewrittenMetrics)));
                assertEquals(lastGood, servedSerial(tls, rewrittenPort), "expected the last good certificate kept");

                // The same by a ..data swap: a new version whose key matches no certificate here.
                BigInteger lastGoodSwapped = TlsPki.serial(secret.resolve("tls.crt"));
                BigInteger broken = swapIn(pki, secret, REPLACEMENTS + 1, pki.strangerKey);
                Await.until("the broken ..data swap refused", WAIT, () -> TlsSide.sample(TlsSide.scrapeOrEmpty(swappedMetrics),
                        "echo_tls_reloads_total", "result", "refused") == 1, () -> TlsSide.tlsLines(TlsSide.scrapeOrEmpty(swappedMetrics)));
                assertEquals(lastGoodSwapped, servedSerial(tls, swappedPort), "expected the last good certificate kept");
                long connectionsAfterRefusal = onSwapped.connections();
                Await.until("the reconnecting clients served after the broken swap", WAIT,
                        () -> onSwapped.connections() >= connectionsAfterRefusal + 20, onSwapped::summary);
                assertEquals(false, onSwapped.served(broken), "expected the broken swap's certificate never presented");

                onRewritten.awaitEveryClientAnswered(5, WAIT);
                onSwapped.awaitEveryClientAnswered(5, WAIT);
                assertEquals(failuresBefore, onRewritten.failures() + onSwapped.failures(), () -> "expected no failed request"
                        + " through " + REPLACEMENTS + " replacements: rewritten " + onRewritten.summary() + "; swapped "
                        + onSwapped.summary() + "; the servers' TLS counters: rewritten "
                        + TlsSide.tlsLines(TlsSide.scrapeOrEmpty(rewrittenMetrics)) + "; swapped "
                        + TlsSide.tlsLines(TlsSide.scrapeOrEmpty(swappedMetrics)));
                System.out.println("TlsReloadUnderLoadIT: replacements served to a new connection of ours after " + replacements + "; clients on the rewritten: "
                        + onRewritten.summary() + "; on the swapped: " + onSwapped.summary());
            }
        }
    }

    /**
     * The servers' handshake deadline: far above the default 10 s, which this test does not check. A
     * handshake ended by the deadline after the client's Finished reads to the client as "the server closed
     * the connection" at its first request: the likely cause of 2 such failures in a CI run beside other
     * heavy work (latencies to 6.3 s; the TLS counters, now in the message, will say).
     */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

    private static ServerProcess start(String name, Path cert, Path key) throws IOException {
        return ServerJar.process().name(name).args("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
                "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--tls-handshake-timeout", HANDSHAKE_TIMEOUT.toSeconds() + "s",
                "--tls-reload-interval", RELOAD_INTERVAL.toMillis() + "ms", "--log-level", "warn").start();
    }

    /** Writes a new certificate and key over the two files (each replaced at once); returns its serial. */
    private static BigInteger rewrite(TlsPki pki, Path cert, Path key) throws IOException {
        return pki.issueServer(cert, key);
    }

    /**
     * Kubernetes' update: the new files in a new timestamped directory, a new {@code ..data} link made
     * beside the old and renamed over it (atomic), the old directory removed; returns the serial.
     */
    private static BigInteger swapIn(TlsPki pki, Path secret, int n) throws IOException {
        return swapIn(pki, secret, n, null);
    }

    /** As {@link #swapIn(TlsPki, Path, int)}, the new version's key replaced by {@code wrongKey} if not null. */
    private static BigInteger swapIn(TlsPki pki, Path secret, int n, Path wrongKey) throws IOException {
        String name = String.format("..2026_12_05_15_00_%02d.%d", n, System.nanoTime() % 1_000_000);
        Path version = Files.createDirectories(secret.resolve(name));
        BigInteger serial = pki.issueServer(version.resolve("tls.crt"), version.resolve("tls.key"));
        if (wrongKey != null) {
            Files.copy(wrongKey, version.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path old = Files.isSymbolicLink(secret.resolve("..data")) ? secret.resolve(Files.readSymbolicLink(secret.resolve("..data"))) : null;
        Path newLink = secret.resolve("..data_tmp");
        Files.createSymbolicLink(newLink, Path.of(name));
        Files.move(newLink, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (old != null) {
            for (String file : new String[] {"tls.crt", "tls.key"}) {
                Files.delete(old.resolve(file));
            }
            Files.delete(old);
        }
        return serial;
    }

    private static BigInteger servedSerial(ClientTls tls, int port) throws IOException {
        try (WireClient client = TlsSide.connect(tls, port)) {
            assertEquals("which certificate?", client.echo("which certificate?"));
            return TlsSide.servedSerial(client);
        }
    }

    private static BigInteger servedSerialOrNull(ClientTls tls, int port) {
        try {
            return servedSerial(tls, port);
        } catch (IOException e) {
            throw new AssertionError("a new TLS connection failed during a replacement", e);
        }
    }
}
