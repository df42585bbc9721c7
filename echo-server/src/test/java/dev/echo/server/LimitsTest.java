package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The connection limit and the idle timeout, silent and trickling. */
class LimitsTest {
    private static final Duration IDLE = Duration.ofMillis(300);

    @Test
    void connectionOverTheLimitGetsServerBusyAndTheOthersGoOn() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.maxConnections(2));
             WireClient second = TestServers.connect(server)) {
            WireClient first = TestServers.connect(server);
            assertEquals("2", second.echo("2"), "expected the second client served");
            assertEquals("1", first.echo("1"), "expected the first client served");
            try (WireClient third = TestServers.connect(server)) {
                third.expectError(ErrorResponse.Code.SERVER_BUSY);
                third.expectClosed(Duration.ofSeconds(5));
            }
            assertEquals("1 again", first.echo("1 again"), "expected the first client undisturbed");
            assertEquals("2 again", second.echo("2 again"), "expected the second client undisturbed");
            assertEquals(1, server.stats().connectionsRejected(), "expected 1 rejected connection");
            assertEquals(1, server.stats().errorCount(ErrorResponse.Code.SERVER_BUSY), "expected 1 SERVER_BUSY counted");

            first.close();
            Await.until("1 active connection after the first client left", Duration.ofSeconds(5),
                    () -> server.stats().connectionsActive() == 1);
            try (WireClient fourth = TestServers.connect(server)) {
                assertEquals("4", fourth.echo("4"), "expected a client served again once a slot was free");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "platform:2"})
    void silentConnectionIsClosedAfterTheIdleTimeout(String threads) throws Exception {
        try (EchoServer server = TestServers.start(b -> b.idleTimeout(IDLE).threadMode(ThreadMode.parse(threads)));
             WireClient client = TestServers.connect(server)) {
            long start = System.nanoTime();
            client.expectClosed(Duration.ofSeconds(5));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= IDLE.toMillis() - 50,
                    "expected the connection open for about the idle timeout of 300 ms, closed after " + elapsedMillis);
            Await.until("0 active connections", Duration.ofSeconds(5),
                    () -> server.stats().connectionsActive() == 0);
        }
    }

    @Test
    void activeConnectionIsNotClosedWhileFramesKeepComing() throws Exception {
        // The timeout is per frame, not per connection: a connection living 2.5 times its idle timeout
        // stays open while each frame comes well within it.
        Duration idle = Duration.ofMillis(1000);
        try (EchoServer server = TestServers.start(b -> b.idleTimeout(idle));
             WireClient client = TestServers.connect(server)) {
            long end = System.nanoTime() + idle.toNanos() * 5 / 2;
            int i = 0;
            while (System.nanoTime() < end) {
                long sentAt = System.nanoTime();
                String answer;
                try {
                    answer = client.echo("tick " + i);
                } catch (java.io.IOException | AssertionError closed) { // a reset, or the end of the stream
                    // A round trip that took half the timeout means this thread or the server's was
                    // not scheduled for that long: then the close proves nothing either way.
                    assumeResponsive(sentAt, idle, "a round trip");
                    throw closed;
                }
                assertEquals("tick " + i, answer, "expected every whole frame answered");
                assumeResponsive(sentAt, idle, "a round trip");
                long answeredAt = System.nanoTime();
                boolean closed = client.closedWithin(Duration.ofMillis(100));
                assumeResponsive(answeredAt, idle, "a 100 ms pause");
                assertFalse(closed, "expected the connection to stay open after an answer, with an idle timeout of "
                        + idle.toMillis() + " ms (frame " + i + ")");
                i++;
            }
        }
    }

    /** Skips the test when what began at {@code since} took half the idle timeout: the machine is too busy. */
    private static void assumeResponsive(long since, Duration idle, String what) {
        long tookMillis = (System.nanoTime() - since) / 1_000_000;
        Assumptions.assumeTrue(tookMillis < idle.toMillis() / 2,
                "machine too busy: " + what + " took " + tookMillis + " ms, the test proves nothing");
    }

    @Test
    void tricklingConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.idleTimeout(IDLE));
             WireClient client = TestServers.connect(server)) {
            // A frame of 100 bytes sent one byte per 50 ms: half of it would take 2.5 s, far over 300 ms.
            long start = System.nanoTime();
            client.write(new byte[] {100});
            boolean closed = false;
            for (int sent = 0; sent < 50 && !closed; sent++) {
                // Waiting for a close doubles as the pause between bytes.
                closed = client.closedWithin(Duration.ofMillis(50));
                if (!closed) {
                    try {
                        client.write(new byte[] {0x0a});
                    } catch (java.io.IOException e) {
                        closed = true; // reset: the server is gone
                    }
                }
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closed, "expected a trickling client closed before its frame was complete");
            assertTrue(elapsedMillis >= IDLE.toMillis() - 50,
                    "expected the close no sooner than the 300 ms idle timeout, got " + elapsedMillis + " ms");
        }
    }

    @Test
    void clientThatStopsReadingIsClosedAfterTheIdleTimeoutAndCounted() throws Exception {
        // 8 MiB of requests whose answers are never read: the server's write stops making progress
        // and, one idle timeout later, the connection is closed and its slot freed.
        int requests = 80;
        byte[] one = ServerConfig.builder().build().framing().encode(Messages.echo("y".repeat(100 * 1024)));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
            all.writeBytes(one);
        }
        byte[] bytes = all.toByteArray();
        try (EchoServer server = TestServers.start(b -> b.idleTimeout(IDLE).maxConnections(1));
             WireClient silent = TestServers.connect(server)) {
            Thread sender = Thread.ofPlatform().daemon().name("silent-sender").start(() -> {
                try {
                    silent.write(bytes);
                } catch (java.io.IOException expected) {
                    // the server closes the connection while this is still sending
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.stats().writeTimeouts() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertEquals(1, server.stats().writeTimeouts(), "expected the stalled writer closed and counted within 30 s");
            while (server.stats().connectionsActive() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            try (WireClient next = TestServers.connect(server)) {
                assertEquals("next", next.echo("next"), "expected the freed slot to serve the next client");
            }
            sender.join(10_000);
        }
    }

    @Test
    void frameThatWouldCrossTheBufferBudgetIsRefusedAndOthersAreServed() throws Exception {
        // A holds most of a 1 MiB frame; B's frame then needs more than the budget has left.
        String content = "b".repeat(1024 * 1024);
        byte[] frame = ServerConfig.builder().build().framing().encode(Messages.echo(content));
        long budget = 1024 * 1024 + 256 * 1024;
        try (EchoServer server = TestServers.start(b -> b.maxBufferedBytes(budget));
             WireClient a = TestServers.connect(server);
             WireClient b = TestServers.connect(server)) {
            a.write(java.util.Arrays.copyOf(frame, frame.length - 10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.bufferBudget().used() < frame.length - 8 * 1024 - 10 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertTrue(server.bufferBudget().used() >= frame.length - 8 * 1024 - 10,
                    "expected A's frame buffered against the budget, used: " + server.bufferBudget());
            Thread sender = Thread.ofPlatform().daemon().start(() -> {
                try {
                    b.write(frame);
                } catch (java.io.IOException expected) {
                    // refused while still sending
                }
            });
            ErrorResponse error = b.expectError(ErrorResponse.Code.SERVER_BUSY).getError();
            assertTrue(error.getDetail().contains("buffer budget of " + budget + " bytes"), error.getDetail());
            b.expectClosed(Duration.ofSeconds(30));
            sender.join(10_000);
            assertTrue(server.bufferBudget().used() <= budget, "never over the budget: " + server.bufferBudget());
            a.write(java.util.Arrays.copyOfRange(frame, frame.length - 10, frame.length));
            assertEquals(content.length(), a.receive().getEchoMessage().getContent().length(), "A's frame, whole");
            assertEquals("small", a.echo("small"), "A goes on");
            assertEquals(1, server.stats().bufferBudgetRefusals(), "one refusal counted");
            assertTrue(server.bufferBudget().used() <= 16 * 1024,
                    "A's large buffer given back after its frame, but for a busy connection's 8 KiB: " + server.bufferBudget());
        }
    }
}
