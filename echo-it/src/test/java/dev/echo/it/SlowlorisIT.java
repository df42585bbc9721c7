package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.EchoConnection;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Scenario 6: 200 clients trickle one byte per second; the idle timeout (2 s here) closes each of
 * them, since none completes a frame in time, while 50 normal clients keep their full speed.
 *
 * <p>The server runs as its own process, as it would in production. With the server in the test
 * JVM, 50 clients and their connections answering each other at full speed keep both carrier
 * threads busy with I/O wake-ups, and timed wake-ups (socket read timeouts: the tricklers' pacing
 * here, and the server's idle timeout while it used SO_TIMEOUT) waited behind them for 17 s and
 * more on JDK 25. For the same reason the class runs alone.
 */
@Isolated("timings: the test JVM's other load would stall its clients, not the server")
class SlowlorisIT {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final int TRICKLERS = 200;
    private static final int NORMAL = 50;
    /** A 27-byte frame: at one byte per second it would take 27 s to complete. */
    private static final byte[] FRAME = Framing.DELIMITED.encode(Messages.echo("one byte per second"));

    @Test
    void trickleClientsAreClosedByTheIdleTimeoutWhileNormalClientsKeepTheirSpeed() throws IOException, InterruptedException {
        try (ServerProcess process = ServerJar.process().args("--host", "127.0.0.1", "--port", "0",
                "--idle-timeout", IDLE_TIMEOUT.toMillis() + "ms", "--log-level", "warn").start()) {
            int port = process.awaitPort(Duration.ofSeconds(30));
            AtomicInteger tricklersDone = new AtomicInteger();
            Conversation.Tally normal = new Conversation.Tally();
            AtomicLong slowestMillis = new AtomicLong();
            ConcurrentLinkedQueue<Long> normalRequestsPerClient = new ConcurrentLinkedQueue<>();
            Parallel.Running normalClients = Parallel.start(NORMAL, Duration.ofSeconds(60), i -> {
                long requests = 0;
                try (EchoConnection client = Clients.connect(port)) {
                    // Until every trickler is closed, and at most 100,000 requests.
                    for (int r = 0; r < 100_000 && tricklersDone.get() < TRICKLERS; r++) {
                        long start = System.nanoTime();
                        Conversation.exchange(client, i, r, normal);
                        slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                        requests++;
                    }
                } finally {
                    normalRequestsPerClient.add(requests);
                }
            });

            ConcurrentLinkedQueue<Long> closedAfterMillis = new ConcurrentLinkedQueue<>();
            Parallel.Outcome tricklers = Parallel.run(TRICKLERS, Duration.ofSeconds(30), i -> {
                try (WireClient connection = WireClient.connect(port)) {
                    long start = System.nanoTime();
                    // Paced by a 1 s read: it times out while the connection lives, and ends when the server closes it.
                    connection.setReadTimeout(Duration.ofSeconds(1));
                    for (int sent = 0; sent < FRAME.length; sent++) {
                        try {
                            connection.write(new byte[] {FRAME[sent]});
                            if (connection.closedByServer()) {
                                closedAfterMillis.add((System.nanoTime() - start) / 1_000_000);
                                return;
                            }
                            throw new AssertionError("trickler " + i + " got an answer to an incomplete frame");
                        } catch (SocketTimeoutException stillOpen) {
                            // one more second, one more byte
                        } catch (IOException writeFailed) {
                            closedAfterMillis.add((System.nanoTime() - start) / 1_000_000); // reset by the server
                            return;
                        }
                    }
                    throw new AssertionError("trickler " + i + " completed its frame without being closed");
                } finally {
                    tricklersDone.incrementAndGet();
                }
            });
            normalClients.await(Duration.ofSeconds(60), "the normal clients", normal::toString)
                    .assertAllSucceeded("normal clients beside the tricklers (" + normal + ")");
            tricklers.assertAllSucceeded("tricklers to be closed by the idle timeout");
            LongSummaryStatistics closed = closedAfterMillis.stream().mapToLong(Long::longValue).summaryStatistics();
            assertEquals(TRICKLERS, closed.getCount(), "expected every trickler closed: " + closed);
            assertTrue(closed.getMin() >= IDLE_TIMEOUT.toMillis() - 200 && closed.getMax() <= IDLE_TIMEOUT.toMillis() + 4_000,
                    "expected every trickler closed about " + IDLE_TIMEOUT.toMillis() + " ms after connecting: " + closed);

            assertEquals(0, normal.wrong.get(), "expected every normal answer right: " + normal);
            LongSummaryStatistics perClient = normalRequestsPerClient.stream().mapToLong(Long::longValue).summaryStatistics();
            // Progress throughout (the other test classes share these 2 cores) and no stall: a server
            // that a trickler could hold up would show a stall of the idle timeout's order.
            assertTrue(perClient.getCount() == NORMAL && perClient.getMin() >= 20,
                    "expected each of " + NORMAL + " normal clients to make at least 20 requests meanwhile: " + perClient);
            assertTrue(slowestMillis.get() < IDLE_TIMEOUT.toMillis(),
                    "expected no normal request to stall as long as the idle timeout (" + IDLE_TIMEOUT.toMillis()
                            + " ms), the slowest took " + slowestMillis + " ms");
        }
    }
}
