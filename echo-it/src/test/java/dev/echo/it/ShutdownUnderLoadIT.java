package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.client.ConnectionClosedException;
import dev.echo.client.EchoConnection;
import dev.echo.core.FrameException;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.ThreadMode;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 8: {@code close()} while 200 clients are mid-stream, pipelining small and large requests.
 * Every request gets its full, correct answer, or SHUTTING_DOWN, or its client sees the connection
 * end with no frame cut in half; close() keeps to the grace period and leaves no thread behind.
 */
class ShutdownUnderLoadIT {
    private static final int CLIENTS = 200;
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int BATCH = 4;

    /** How each request ended. */
    enum Outcome { ANSWERED, SHUTTING_DOWN, CLOSED_AT_FRAME_BOUNDARY, RESET_WITHOUT_PARTIAL_FRAME, NOT_SENT }

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "platform:256"})
    void closeUnderLoadAnswersOrRefusesEveryRequestCleanly(String threads) throws Exception {
        Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new AtomicLong());
        }
        Queue<String> resets = new ConcurrentLinkedQueue<>();
        AtomicLong connected = new AtomicLong();
        // Every client connected before close(), not only 2,000 answers: on a busy machine a CI run
        // closed the server with 75 clients' threads not yet run, whose connects were then refused.
        ShutdownRun run = ShutdownRun.closeAmid(b -> b.shutdownGrace(GRACE).threadMode(ThreadMode.parse(threads)),
                CLIENTS, Duration.ofSeconds(60), (port, i) -> talkUntilTheEnd(port, i, connected, outcomes, resets),
                load -> Await.until("all " + CLIENTS + " clients connected and 2,000 answers before close()",
                        Duration.ofSeconds(30),
                        () -> connected.get() == CLIENTS && outcomes.get(Outcome.ANSWERED).get() >= 2_000,
                        () -> connected + " connected, " + outcomes),
                outcomes::toString);
        int port = run.server().port();
        run.clients().assertAllSucceeded("clients to see only clean outcomes " + outcomes);
        // Past the grace period close() waits for closed connections' threads while they keep ending (10 s at most).
        assertTrue(run.closeMillis() <= GRACE.toMillis() + 10_500,
                "expected close() within the grace period of " + GRACE + " plus 10.5 s, took " + run.closeMillis() + " ms");
        assertEquals(0, run.server().stats().connectionsActive(), "expected no connection left after close(): " + run.server().stats());
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                // echo-accept-PORT, echo-idle-PORT, echo-worker-PORT-N: every platform thread of this server
                .filter(name -> name.matches("echo-[a-z]+-" + port + "(-\\d+)?"))
                .toList();
        assertEquals(List.of(), left, "expected no server thread alive after close()");
        assertTrue(outcomes.get(Outcome.ANSWERED).get() >= 2_000, "expected the answers before close() counted: " + outcomes);
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(),
                "expected the port closed after close()");
        System.err.println("echo-it: shutdown under load (" + threads + "): close() took " + run.closeMillis() + " ms; " + outcomes
                + (resets.isEmpty() ? "" : "; resets: " + resets.stream().distinct().limit(3).toList()));
    }

    /** Batches of pipelined requests until the server ends the connection; every answer is checked. */
    private static void talkUntilTheEnd(int port, int clientId, AtomicLong connected, Map<Outcome, AtomicLong> outcomes,
                                        Queue<String> resets) throws IOException {
        try (EchoConnection client = Clients.connect(port)) {
            connected.incrementAndGet();
            for (int batch = 0; batch < 1_000_000; batch++) {
                List<ClientMessage> sent = new ArrayList<>(BATCH);
                for (int k = 0; k < BATCH; k++) {
                    int r = batch * BATCH + k;
                    ClientMessage request = switch (r % 3) {
                        case 0 -> Messages.echo(Conversation.text(clientId, r));
                        case 1 -> Messages.add(clientId, r);
                        default -> Messages.echo(("large " + r + " ").repeat(3_000)); // ~30 KB answer: several segments
                    };
                    try {
                        client.send(request);
                        sent.add(request);
                    } catch (IOException e) {
                        outcomes.get(Outcome.NOT_SENT).addAndGet(BATCH - k);
                        break;
                    }
                }
                for (int k = 0; k < sent.size(); k++) {
                    ServerMessage answer;
                    try {
                        answer = client.receive();
                    } catch (ConnectionClosedException e) {
                        outcomes.get(Outcome.CLOSED_AT_FRAME_BOUNDARY).addAndGet(sent.size() - k);
                        return;
                    } catch (IOException e) {
                        if (isBrokenFrame(e)) {
                            throw new AssertionError("client " + clientId + ": a frame cut in half at close(): " + e, e);
                        }
                        // receive() flushes first: requests still buffered in a client whose send
                        // failed (now or before) never left it.
                        String message = String.valueOf(e.getMessage());
                        boolean unsent = message.contains("cannot send") || message.endsWith("connection is closed");
                        outcomes.get(unsent ? Outcome.NOT_SENT : Outcome.RESET_WITHOUT_PARTIAL_FRAME)
                                .addAndGet(sent.size() - k);
                        if (!unsent) {
                            resets.add(e.getMessage());
                        }
                        return;
                    }
                    if (answer.hasError() && answer.getError().getCode() == Code.SHUTTING_DOWN) {
                        outcomes.get(Outcome.SHUTTING_DOWN).incrementAndGet();
                        assertThrows(ConnectionClosedException.class, client::receive,
                                "expected the connection of client " + clientId + " to end after SHUTTING_DOWN");
                        outcomes.get(Outcome.CLOSED_AT_FRAME_BOUNDARY).addAndGet(sent.size() - k - 1);
                        return;
                    }
                    Conversation.assertAnswer(sent.get(k), answer,
                            "client " + clientId + " batch " + batch + " request " + k);
                    outcomes.get(Outcome.ANSWERED).incrementAndGet();
                }
                assertFalse(sent.size() < BATCH && client.isOpen(), "expected a failed send to leave the client closed");
                if (sent.size() < BATCH) {
                    return;
                }
            }
        }
    }

    /** A truncated or unparseable answer: what "a response is never cut in half" rules out. */
    private static boolean isBrokenFrame(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FrameException || t instanceof InvalidProtocolBufferException) {
                return true;
            }
        }
        return false;
    }
}
