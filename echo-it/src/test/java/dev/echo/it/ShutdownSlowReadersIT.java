package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.FrameException;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.ThreadMode;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A graceful stop amid slow readers: 20 clients each pipeline 1,000 echoes of 10 KiB (a writer
 * thread sends them as fast as the server takes them) and read the answers at 2 MB/s, so that when
 * {@code close()} comes, every connection has answers queued, requests read and unread, and a client
 * still sending. What each client must see, read to the end:
 *
 * <pre>
 * answer 0, answer 1, ..., answer k-1   whole, in order, each the right echo
 * [SHUTTING_DOWN]                       at most one, and last
 * end of stream                         no partial frame, no reset; its writes never fail either
 * </pre>
 *
 * and the answers all clients received add up to what the server counted. A server that closes a
 * socket with unread input sends a reset, which throws away the answers still in its send buffer:
 * the client gets whole answers, then part of one, then "Connection reset".
 */
class ShutdownSlowReadersIT {
    private static final int CLIENTS = 20;
    private static final int REQUESTS = 1_000;
    private static final long READ_BYTES_PER_SECOND = 2_000_000;
    private static final Duration GRACE = Duration.ofSeconds(30);
    /** Answers every client has read before close(): the clients are mid-stream, with full buffers. */
    private static final int ANSWERS_BEFORE_CLOSE = 100;
    /*
     * Why many clients end at exactly 394 answers under "virtual". This comes from the test, not from any
     * bound in the server. The clients' readers run on virtual threads in this JVM, on the same two carriers
     * as the server's connections, and on a busy machine they start late. Until a reader starts, the server
     * fills its connection until a write blocks: 4,031,584 bytes here, which is 393 answers of 10,248 bytes
     * plus 4,120 bytes of the 394th. That amount is Linux's loopback buffering (tcp_wmem's 4 MiB send buffer
     * and the client's receive buffer), not a count. The reader is behind its pace (PacedInputStream counts
     * from its first read), so it drains all of that at once. The server's thread is woken for the new room,
     * but then waits for a carrier while the other readers catch up in turn, so the client sits at 393.
     * If close() comes then, the server has read exactly 394 requests (4,037,712 bytes; its frame buffer
     * never holds more than the current 10,248-byte frame). It finishes the 394th answer and ends, with no
     * SHUTTING_DOWN. Measured: with 5 KiB echoes the wait came at 786-789 answers, the same ~4.03 MB; a
     * client SO_RCVBUF of 1 MiB moved it to 193-200; with the readers on platform threads, or the server on
     * "platform:32", no client waited at a shared count. No answer was lost in any run.
     */

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "platform:32"})
    void gracefulStopAmidSlowReadersSendsWholeAnswersThenACleanEnd(String threads) throws Exception {
        AtomicIntegerArray answers = new AtomicIntegerArray(CLIENTS);
        AtomicLong shuttingDown = new AtomicLong();
        ShutdownRun run = ShutdownRun.closeAmid(b -> b.shutdownGrace(GRACE).threadMode(ThreadMode.parse(threads)),
                CLIENTS, GRACE.plusSeconds(60), (port, c) -> pipelineAndReadSlowly(port, c, answers, shuttingDown),
                load -> Await.until("every client to have read " + ANSWERS_BEFORE_CLOSE + " answers before close()",
                        Duration.ofSeconds(60),
                        () -> IntStream.range(0, CLIENTS).allMatch(c -> answers.get(c) >= ANSWERS_BEFORE_CLOSE)
                                || load.isDone(),
                        () -> "answers per client: " + answers),
                () -> "answers per client " + answers);
        long received = IntStream.range(0, CLIENTS).mapToLong(answers::get).sum();
        System.err.println("echo-it: graceful stop amid " + CLIENTS + " slow readers (" + threads + "): close() took "
                + run.closeMillis() + " ms; " + received + " answers read (per client " + answers + "), " + shuttingDown
                + " SHUTTING_DOWN; server counted " + run.server().stats().requestsAnswered() + " answered");
        run.clients().assertAllSucceeded("slow readers to read whole answers in order, at most a final SHUTTING_DOWN,"
                + " then a clean end of stream");
        assertEquals(run.server().stats().requestsAnswered(), received + shuttingDown.get(),
                "expected the answers the clients read (" + received + " echoes and " + shuttingDown
                        + " SHUTTING_DOWN) to be every answer the server counted: " + run.server().stats());
        assertTrue(run.closeMillis() < GRACE.toMillis(), "expected close() to end before the grace period of " + GRACE
                + " was over (the clients read everything well within it), took " + run.closeMillis() + " ms");
    }

    /** One client: a writer thread pipelines every request; this thread reads slowly to the end. */
    private static void pipelineAndReadSlowly(int port, int c, AtomicIntegerArray answers, AtomicLong shuttingDown)
            throws IOException, InterruptedException {
        try (WireClient connection = WireClient.connectReadingAt(port, READ_BYTES_PER_SECOND)) {
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            AtomicLong written = new AtomicLong();
            // A platform thread, like a client process of its own: the test JVM's busy carrier threads could keep
            // a virtual writer waiting for seconds. Once we send after its FIN, the server drains our input until
            // our FIN, 5 s at most (a quiet second ended it before, and a writer that paused longer was reset).
            Thread writer = Thread.ofPlatform().daemon().name("pipelining-writer-" + c).start(() -> {
                try {
                    for (int r = 0; r < REQUESTS; r++) {
                        connection.write(Framing.DELIMITED.encode(Messages.echo(LegitimateClients.text(c, r))));
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            });
            // A reset's error goes to whichever call meets it first: when the writer does ('Connection reset by
            // peer'), this reader sees the end of stream, inside a frame or not. So every failure names both.
            Supplier<String> writerState = () -> written + " of " + REQUESTS + " requests written, the writer "
                    + (writeFailure.get() != null ? "failed: " + writeFailure.get() : writer.isAlive() ? "still writing" : "done");
            boolean refused = false;
            while (true) {
                ServerMessage answer;
                try {
                    answer = connection.receiveOrNull();
                } catch (FrameException e) {
                    throw new AssertionError("client " + c + ": a partial frame after " + answers.get(c)
                            + " whole answers" + (refused ? " and SHUTTING_DOWN" : "") + ": " + e + "; "
                            + writerState.get(), e);
                } catch (SocketException e) {
                    throw new AssertionError("client " + c + ": " + e + " after " + answers.get(c)
                            + " whole answers" + (refused ? " and SHUTTING_DOWN" : "") + " and " + connection.bufferedBytes()
                            + " bytes of a next frame; " + writerState.get(), e);
                }
                if (answer == null) {
                    break; // the clean end, unless the writer met a reset (below)
                }
                if (refused) {
                    throw new AssertionError("client " + c + ": an answer after SHUTTING_DOWN: " + answer);
                }
                if (answer.hasError() && answer.getError().getCode() == Code.SHUTTING_DOWN) {
                    refused = true;
                    shuttingDown.incrementAndGet();
                    continue;
                }
                int r = answers.get(c);
                Conversation.assertAnswer(Messages.echo(LegitimateClients.text(c, r)), answer, "client " + c + " answer " + r);
                answers.incrementAndGet(c);
            }
            if (!writer.join(Duration.ofSeconds(30))) {
                throw new AssertionError("client " + c + ": its writer still blocked 30 s after the end of stream, "
                        + writerState.get() + ": the server neither read nor closed");
            }
            if (writeFailure.get() != null) {
                throw new AssertionError("client " + c + ": writing request " + written + " failed (its reader got "
                        + answers.get(c) + " whole answers" + (refused ? " and SHUTTING_DOWN" : "") + ", then the end of"
                        + " stream): " + writeFailure.get(), writeFailure.get());
            }
        }
    }
}
