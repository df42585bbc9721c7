package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.ClientTls;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * 1,000 connections that open TCP to a TLS port and then send nothing, or half a ClientHello, and
 * wait: each is closed at the handshake deadline ({@code --tls-handshake-timeout 2s}) and counted as
 * {@code handshake_timeout}; meanwhile the accept loop never stalls (a new TLS client connecting
 * during the attack is served within the deadline) and long-lived TLS clients keep being answered.
 * The server runs as its own process; the class runs alone for its timings.
 */
@Isolated("timings: 1,000 attack connections and measured clients in this JVM")
class TlsSlowHandshakeIT {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /** How late a close may come on a busy 2-core machine: the sweeper's period and scheduling. */
    private static final Duration MARGIN = Duration.ofSeconds(4);
    private static final int ATTACKERS = 1_000;
    private static final int MEASURED = 8;
    /** A TLS record header announcing a 512-byte handshake record, and a ClientHello's first bytes: then nothing. */
    private static final byte[] HALF_HELLO = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};

    @TempDir
    Path dir;

    @Test
    void silentAndHalfHelloConnectionsAreClosedAtTheHandshakeDeadlineWhileTlsClientsAreServed() throws Exception {
        long t0 = System.nanoTime();
        TlsPki pki = TlsPki.create(dir);
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
                "--tls-cert", pki.serverPem.toString(), "--tls-key", pki.serverKey.toString(),
                "--tls-handshake-timeout", HANDSHAKE_TIMEOUT.toMillis() + "ms", "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            int metrics = TlsSide.metricsPort(server);
            ClientTls tls = TlsSide.trusting(pki);

            try (TlsSide.Measured measured = TlsSide.Measured.start(tls, port, MEASURED)) {
                // Every client connected and answered first: a cold server's first handshakes on a busy machine may
                // take longer than this short deadline, which is not what this test is about.
                measured.awaitEveryClientAnswered(20, Duration.ofSeconds(20));
                long failuresBefore = measured.failures();
                AtomicBoolean attackOver = new AtomicBoolean();
                AtomicLong slowestNewClientMillis = new AtomicLong();
                AtomicLong newClients = new AtomicLong();
                ConcurrentLinkedQueue<String> newClientFailures = new ConcurrentLinkedQueue<>();
                // New TLS clients, one after another through the attack: each must be accepted, shake hands and be
                // answered before the handshake deadline, which a stalled accept loop would not allow.
                Thread prober = Thread.ofPlatform().name("new-tls-clients").start(() -> {
                    for (int i = 0; !attackOver.get(); i++) {
                        long start = System.nanoTime();
                        try (WireClient client = TlsSide.connect(tls, port)) {
                            assertEquals("new client " + i, client.echo("new client " + i));
                            slowestNewClientMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                            newClients.incrementAndGet();
                        } catch (IOException | AssertionError e) {
                            newClientFailures.add("new client " + i + ": " + e);
                        }
                    }
                });

                ConcurrentLinkedQueue<Long> closedAfterMillis = new ConcurrentLinkedQueue<>();
                Parallel.Outcome attackers;
                try {
                    attackers = Parallel.run(ATTACKERS, Duration.ofSeconds(40), i -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("127.0.0.1", port), 20_000);
                            long start = System.nanoTime();
                            if (i % 2 == 1) {
                                socket.getOutputStream().write(HALF_HELLO);
                            }
                            socket.setSoTimeout((int) HANDSHAKE_TIMEOUT.plus(MARGIN).plus(MARGIN).toMillis());
                            readUntilClosed(socket, i);
                            closedAfterMillis.add((System.nanoTime() - start) / 1_000_000);
                        }
                    });
                } finally {
                    attackOver.set(true);
                    prober.join(Duration.ofSeconds(30));
                }
                String measuredDuring = measured.summary();
                System.out.println("TlsSlowHandshakeIT: attack over after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                attackers.assertAllSucceeded("every attacker closed by the server");
                LongSummaryStatistics closed = closedAfterMillis.stream().mapToLong(Long::longValue).summaryStatistics();
                assertEquals(ATTACKERS, closed.getCount(), "expected every attacker closed: " + closed);
                assertTrue(closed.getMin() >= HANDSHAKE_TIMEOUT.toMillis() - 200
                                && closed.getMax() <= HANDSHAKE_TIMEOUT.plus(MARGIN).toMillis(),
                        "expected every attacker closed at the " + HANDSHAKE_TIMEOUT.toMillis() + " ms handshake deadline (+"
                                + MARGIN.toMillis() + " ms at most): " + closed);

                assertTrue(newClientFailures.isEmpty() && newClients.get() >= 3,
                        "expected new TLS clients served throughout the attack: " + newClients + " served, failures "
                                + newClientFailures.stream().limit(5).toList());
                assertTrue(slowestNewClientMillis.get() < HANDSHAKE_TIMEOUT.toMillis(),
                        "expected each new TLS client connected, shaken hands with and answered within the handshake"
                                + " deadline (a stalled accept loop would hold it longer); the slowest took "
                                + slowestNewClientMillis + " ms; measured clients: " + measuredDuring);
                long answersBefore = measured.answers();
                Await.until("the measured clients still answered after the attack", Duration.ofSeconds(20),
                        () -> measured.answers() >= answersBefore + 100, measured::summary);
                String scrape = TlsSide.scrapeOrEmpty(metrics);
                assertEquals(failuresBefore, measured.failures(), "expected no failure of the long-lived TLS clients during"
                        + " the attack: " + measured.summary()
                        + "; server closes: " + scrape.lines().filter(l -> l.startsWith("echo_connections_closed_total")
                        || l.startsWith("echo_buffered") || l.startsWith("echo_connections_rejected")).toList()
                        + "; " + server.describe());
                System.out.println("TlsSlowHandshakeIT: attackers closed after " + closed + " ms; new clients "
                        + newClients + ", slowest " + slowestNewClientMillis + " ms; long-lived: " + measured.summary());
            }
            Await.until(ATTACKERS + " handshake timeouts counted", Duration.ofSeconds(20),
                    () -> TlsSide.sample(TlsSide.scrapeOrEmpty(metrics), "echo_tls_handshake_failures_total", "reason",
                            "handshake_timeout") == ATTACKERS,
                    () -> TlsSide.tlsLines(TlsSide.scrapeOrEmpty(metrics)));
        }
    }

    /** Returns when the server closed (end of stream or reset); fails if it sends bytes or leaves it open. */
    private static void readUntilClosed(Socket socket, int i) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            int b = in.read();
            if (b >= 0) {
                // An alert before the close is allowed; what matters is the close.
                while (in.read() >= 0) {
                    // drain until the end of stream
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("attacker " + i + " still open " + socket.getSoTimeout() + " ms after connecting");
        } catch (IOException reset) {
            // a reset is a close too
        }
    }
}
