package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.echo.core.FrameException;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pipelining client whose writer stops for a while once the server has shut its side, as a client
 * process that is descheduled or in a GC pause does, with answers still on their way to it. The
 * server's FIN waits behind those answers in its send buffer; if the server closes while the client
 * can still send, the next request makes the kernel reset the connection, which throws away every
 * answer still in the send buffer: answers the server counted and the client never gets (its reader
 * sees "Connection reset", or, when its writer took the reset's error first, part of an answer and
 * the end of stream: ShutdownSlowReadersIT's failure). A client that sends after the FIN is mid
 * pipeline, so the drain waits for its FIN, within the drain's bound; a pause of 1.5 s is within it.
 */
class ShutdownPausedWriterTest {
    /** 10 KiB each: far more than the socket buffers hold, so the writer is still sending at the stop. */
    private static final int REQUESTS = 3_000;
    private static final String FILLER = "w".repeat(10 * 1024);
    /**
     * Sent after the pause, then the writer ends: a pipeline that goes on after the server's FIN, not
     * one that must send tens of MiB more within the drain's bound, which a loaded machine did not (2,930
     * of 3,000 requests written at the bound, in both thread modes, beside a full build).
     */
    private static final int REQUESTS_AFTER_PAUSE = 100;
    /** Longer than the drain's quiet second, well short of its bound (5 s from our FIN). */
    private static final Duration PAUSE = Duration.ofMillis(1_500);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int RECEIVE_BUFFER_BYTES = 32 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "platform:2"})
    void aWriterPausedDuringTheDrainStillGetsEveryAnswerThenACleanEnd(String threads) throws Exception {
        EchoServer server = TestServers.start(b -> b.shutdownGrace(Duration.ofSeconds(30))
                .threadMode(ThreadMode.parse(threads)));
        WireClient client = connectWithSmallReceiveBuffer(server.port());
        try {
            PausableWriter writer = new PausableWriter(client);
            int answers = 0;
            while (answers < 20) {
                expectEcho(client.receive(), answers++);
            }
            CompletableFuture<Long> closed = ShutdownTest.closeInBackground(server);
            // One answer at a time until the server has shut its side: most of the answers it wrote
            // are still in its send buffer and ours, the FIN behind them.
            long readUntil = System.nanoTime() + DEADLINE.toNanos();
            boolean shuttingDown = false;
            while (ServerProbe.connectionsClosing(server) == 0) {
                assertTrue(System.nanoTime() - readUntil < 0, "expected the server to shut its side within "
                        + DEADLINE + " of the stop, " + answers + " answers read");
                ServerMessage answer = client.receive();
                if (answer.hasError()) {
                    assertEquals(ErrorResponse.Code.SHUTTING_DOWN, answer.getError().getCode(),
                            "expected SHUTTING_DOWN as the only error, got " + Messages.describe(answer));
                    shuttingDown = true;
                    break; // its FIN follows
                }
                expectEcho(answer, answers++);
            }
            writer.pause();
            assertTrue(writer.written() < REQUESTS, "expected the writer still sending when the server shut its side,"
                    + " for the test to mean anything; all " + REQUESTS + " sent");
            boolean closedDuringPause = Await.holdsWithin(PAUSE, Await.POLL_INTERVAL,
                    () -> server.registry().size() == 0);
            writer.resume();

            while (true) {
                ServerMessage answer;
                try {
                    answer = client.receiveOrNull();
                } catch (FrameException | SocketException e) {
                    throw new AssertionError("expected whole answers then a clean end of stream; after the writer's"
                            + " pause (the server " + (closedDuringPause ? "closed the connection during it" : "still open")
                            + ") " + answers + " whole answers, then " + e + "; the server counted "
                            + server.stats().requestsAnswered() + " answered; " + writer, e);
                }
                if (answer == null) {
                    break;
                }
                if (shuttingDown) {
                    fail("expected nothing after SHUTTING_DOWN, got " + Messages.describe(answer));
                }
                if (answer.hasError()) {
                    assertEquals(ErrorResponse.Code.SHUTTING_DOWN, answer.getError().getCode(),
                            "expected SHUTTING_DOWN as the only error, got " + Messages.describe(answer));
                    shuttingDown = true;
                    continue;
                }
                expectEcho(answer, answers++);
            }
            writer.awaitEnd(DEADLINE);
            client.close(); // our FIN: the end of the server's drain
            closed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(server.stats().requestsAnswered(), answers + (shuttingDown ? 1 : 0),
                    "expected every answer the server counted to reach the client (" + answers + " echoes"
                            + (shuttingDown ? " and SHUTTING_DOWN" : "") + " read); the server "
                            + (closedDuringPause ? "closed the connection during the pause" : "was still open after the pause")
                            + "; " + writer);
        } finally {
            client.close();
            server.close();
        }
    }

    /**
     * A client whose receive buffer holds a few answers only, so that most of what the server wrote
     * waits in the server's send buffer, where a reset destroys it (what a client's receive buffer
     * already holds, Linux still lets it read).
     */
    private static WireClient connectWithSmallReceiveBuffer(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES); // before connect: it sets the window offered
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) DEADLINE.toMillis());
            return WireClient.over(socket, Framing.DELIMITED);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] request(int r) {
        return Framing.DELIMITED.encode(Messages.echo(r + ":" + FILLER));
    }

    private static void expectEcho(ServerMessage answer, int r) {
        if (!answer.hasEchoMessage() || !answer.getEchoMessage().getContent().equals(r + ":" + FILLER)) {
            fail("expected answer " + r + " to echo request " + r + ", got " + Messages.describe(answer));
        }
    }

    /**
     * Pipelines the requests on a platform thread of its own, and stops between two when told to, as a
     * client process that is not scheduled for a while; {@value #REQUESTS_AFTER_PAUSE} more after it.
     */
    private static final class PausableWriter {
        private final Thread thread;
        private final AtomicLong written = new AtomicLong();
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch resumed = new CountDownLatch(1);
        private volatile boolean pauseAsked;

        PausableWriter(WireClient client) {
            thread = Thread.ofPlatform().daemon().name("paused-writer").start(() -> {
                try {
                    int end = REQUESTS;
                    for (int r = 0; r < end; r++) {
                        if (pauseAsked && paused.getCount() > 0) {
                            paused.countDown();
                            resumed.await();
                            end = Math.min(REQUESTS, r + REQUESTS_AFTER_PAUSE);
                        }
                        client.write(request(r));
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    failure.set(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    paused.countDown(); // also when it ended before a pause
                }
            });
        }

        /** Returns once the writer has stopped between two requests (or ended). */
        void pause() throws InterruptedException {
            pauseAsked = true;
            if (!paused.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("expected the writer to reach its pause within " + DEADLINE + ": " + this);
            }
        }

        void resume() {
            resumed.countDown();
        }

        long written() {
            return written.get();
        }

        /** Fails unless the writer sent its requests, without a failure, within {@code deadline}. */
        void awaitEnd(Duration deadline) throws InterruptedException {
            if (!thread.join(deadline)) {
                throw new AssertionError("expected the writer to end within " + deadline + ": " + this);
            }
            if (failure.get() != null) {
                throw new AssertionError("expected every request written: " + this, failure.get());
            }
        }

        @Override
        public String toString() {
            IOException e = failure.get();
            return "writer: " + written + " requests written (at most " + REQUESTS + ", " + REQUESTS_AFTER_PAUSE
                    + " after its pause), "
                    + (e != null ? "failed with " + e : thread.isAlive() ? "still writing" : "done");
        }
    }
}
