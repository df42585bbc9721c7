package dev.echo.it;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.server.EchoServer;
import dev.echo.server.TestServers;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Silent readers: clients that write ~8 MiB of requests each and never read an answer. The server's
 * answers fill its send buffer and the client's receive buffer, and its write blocks; a server that
 * only times out reads would keep such a connection, and its slot, forever. With {@code
 * maxConnections 5} and a 2 s idle timeout, five of them would turn every other client away with
 * SERVER_BUSY. Wave after wave, a new client must be served within a deadline generous for a busy
 * machine (30 s for a 2 s timeout), the silent connections closed by the write deadline.
 */
class SilentReaderIT {
    private static final int LIMIT = 5;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final int WAVES = 3;
    /**
     * 3,200 echoes of 10 KiB, ~32 MiB, in one write: far more than the socket buffers between server
     * and client hold, so the server's writes block for certain. (With ~8 MiB, a server here once
     * answered a whole wave into the buffers and idled on a read instead.)
     */
    private static final int REQUESTS_EACH = 3_200;
    private static final byte[] REQUESTS = requests();
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    @Test
    void silentReadersLoseTheirSlotsAndANewClientIsServed() {
        try (EchoServer server = TestServers.start(b -> b.maxConnections(LIMIT).idleTimeout(IDLE_TIMEOUT))) {
            int port = server.port();
            for (int wave = 1; wave <= WAVES; wave++) {
                long acceptedBefore = server.stats().connectionsAccepted();
                List<SilentClient> silent = new ArrayList<>();
                try {
                    for (int i = 0; i < LIMIT; i++) {
                        silent.add(SilentClient.start(port, i));
                    }
                    Await.until(LIMIT + " silent clients admitted in wave " + wave, Duration.ofSeconds(10),
                            () -> server.stats().connectionsAccepted() >= acceptedBefore + LIMIT,
                            () -> "stats are " + server.stats());
                    long start = System.nanoTime();
                    Map<String, AtomicInteger> refusals = new LinkedHashMap<>();
                    String text = "wave " + wave + ": a new client after five silent readers";
                    Await.until("a new client served in wave " + wave + " while " + LIMIT + " silent readers held the "
                                    + LIMIT + " slots (idle timeout " + IDLE_TIMEOUT + ")", SERVED_WITHIN, PROBE_INTERVAL,
                            () -> {
                                String refused = Clients.echoOnce(port, text, Duration.ofSeconds(5));
                                if (refused != null) {
                                    refusals.computeIfAbsent(refused, k -> new AtomicInteger()).incrementAndGet();
                                }
                                return refused == null;
                            },
                            () -> "every attempt was turned away: " + refusals + "; silent writers: " + silent
                                    + "; stats are " + server.stats());
                    System.err.printf("echo-it: silent readers, wave %d: a new client served after %d ms (before that: %s);"
                                    + " silent writers: %s; %s%n",
                            wave, (System.nanoTime() - start) / 1_000_000, refusals, silent, server.stats());
                    // The slot that let the new client in may be the first of five: each is closed for its stalled write.
                    long expected = (long) wave * LIMIT;
                    Await.until(expected + " write timeouts counted after wave " + wave, SERVED_WITHIN,
                            () -> server.stats().writeTimeouts() >= expected,
                            () -> "stats are " + server.stats() + "; silent writers: " + silent);
                } finally {
                    silent.forEach(SilentClient::close);
                }
                TestServers.awaitNoActiveConnections(server, Duration.ofSeconds(30));
            }
        }
    }

    private static byte[] requests() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int r = 0; r < REQUESTS_EACH; r++) {
            bytes.writeBytes(Framing.DELIMITED.encode(Messages.echo(LegitimateClients.text(0, r))));
        }
        return bytes.toByteArray();
    }

    /**
     * A client that writes its requests from a thread of its own and never reads. The thread is a
     * platform thread, in one blocking write: a writer that the test JVM's busy carrier threads kept
     * waiting for the idle timeout would look idle, not silent, to the server.
     */
    private static final class SilentClient {
        private final WireClient connection;
        private final Thread writer;
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        private volatile boolean wroteAll;

        private SilentClient(WireClient connection, int c) {
            this.connection = connection;
            this.writer = Thread.ofPlatform().daemon().name("silent-writer-" + c).start(() -> {
                try {
                    connection.write(REQUESTS);
                    wroteAll = true;
                } catch (IOException e) {
                    failure.set(e); // the server closed it: what the test wants, seen from the client
                }
            });
        }

        static SilentClient start(int port, int c) {
            try {
                return new SilentClient(WireClient.connect(port), c);
            } catch (IOException e) {
                throw new AssertionError("silent client " + c + " could not connect", e);
            }
        }

        /** Closes the socket, which ends a write still blocked, and waits for the writer. */
        void close() {
            try {
                connection.close();
                if (!writer.join(Duration.ofSeconds(10))) {
                    throw new AssertionError("expected the silent writer to end within 10 s of closing its socket");
                }
            } catch (IOException e) {
                System.err.println("echo-it: closing a silent client failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        @Override
        public String toString() {
            IOException e = failure.get();
            return wroteAll ? "all" : e == null ? "writing" : e.getMessage();
        }
    }
}
