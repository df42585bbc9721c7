package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a lost connection costs the retry budget. A connection that ends loses every request in its
 * pipeline, up to {@code maxInFlight}; each took a token, so one server crash under load spent the
 * default budget (1000 of 1024 in flight: 24 calls lost) and a second soon after lost 924 of 1024
 * (a helper's attack). Each request's first resend after a lost connection is now free: a crash
 * costs latency, however many requests it cut; resending one request again is what the budget
 * throttles.
 */
@Timeout(60)
class RetryBudgetTest {

    /** Reads requests; while holding, answers none (a server about to crash); else echoes each. */
    private static final class CrashingServer implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> open = new CopyOnWriteArrayList<>();
        final AtomicInteger held = new AtomicInteger();
        /** Requests read in {@link #resetEach} mode. */
        final AtomicInteger readThenReset = new AtomicInteger();
        volatile boolean holding = true;
        /** Resets each connection as soon as it has read a request, answering nothing. */
        volatile boolean resetEach;

        CrashingServer() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = listener.accept();
                        open.add(socket);
                        Thread.ofVirtual().start(() -> serve(socket));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve(Socket socket) {
            try (socket) {
                FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                for (ClientMessage request; (request = reader.read(ClientMessage.parser())) != null; ) {
                    if (resetEach) {
                        readThenReset.incrementAndGet();
                        reset(socket);
                        return;
                    }
                    if (holding) {
                        held.incrementAndGet();
                    } else {
                        out.write(Framing.DELIMITED.encode(Messages.echoAnswer(request.getEchoMessage().getContent())));
                        out.flush();
                    }
                }
            } catch (IOException gone) {
                // reset by crash(), or the client closed
            }
        }

        /** Every open connection reset, as a process that died; the next ones are answered. */
        void crash() throws IOException {
            holding = false;
            for (Socket socket : open) {
                reset(socket);
            }
            open.clear();
        }

        private static void reset(Socket socket) throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    @Test
    void twoCrashesInARowEachWithAFullPipelineCostNoCall() throws Exception {
        int maxInFlight = 64;
        try (CrashingServer server = new CrashingServer();
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                     .requestTimeout(Duration.ofSeconds(20)).maxInFlight(maxInFlight).retryBudget(8).build())) {
            for (int crash = 1; crash <= 2; crash++) {
                server.holding = true;
                server.held.set(0);
                List<CompletableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < maxInFlight; i++) {
                    calls.add(client.echoAsync("crash " + crash + " call " + i));
                }
                Await.until("every call read by the server", Duration.ofSeconds(10),
                        () -> server.held.get() == maxInFlight, () -> server.held + " read");
                server.crash();
                for (int i = 0; i < maxInFlight; i++) {
                    assertEquals("crash " + crash + " call " + i, calls.get(i).get(30, TimeUnit.SECONDS),
                            "call " + i + " after crash " + crash + ": " + client.stats());
                }
            }
            ClientStats stats = client.stats();
            assertEquals(0, stats.failed(), stats.toString());
            assertEquals(2L * maxInFlight, stats.retried(), "each call resent once: " + stats);
        }
    }

    /**
     * A server that resets every connection: once the budget is spent, each call is one send, not
     * two. The free resend is a crash's; a connection on probation (its address's last one answered
     * nothing) that answers nothing either pays for what it lost (a helper's review: 80 sends for 40
     * calls before this).
     */
    @Test
    void aServerThatResetsEveryConnectionGetsOneSendPerCallOnceTheBudgetIsSpent() throws Exception {
        try (CrashingServer server = new CrashingServer();
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                     .requestTimeout(Duration.ofSeconds(20)).retryBudget(5)
                     .reconnectDelay(Duration.ofMillis(1)).maxReconnectDelay(Duration.ofMillis(10)).build())) {
            server.resetEach = true;
            for (int i = 0; i < 10; i++) { // spends the budget
                assertThrows(ConnectionLostException.class, () -> client.echo("spending"));
            }
            int before = server.readThenReset.get();
            int calls = 40;
            for (int i = 0; i < calls; i++) {
                assertThrows(ConnectionLostException.class, () -> client.echo("after"));
            }
            int sends = server.readThenReset.get() - before;
            assertTrue(sends <= calls + calls / 5, "a server resetting every connection read " + sends
                    + " requests for " + calls + " calls: " + client.stats());
        }
    }

    @Test
    void aRequestLostAgainAndAgainIsThrottledByTheBudget() throws Exception {
        int calls = 32;
        int budget = 4;
        try (CrashingServer server = new CrashingServer();
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                     .requestTimeout(Duration.ofSeconds(20)).maxInFlight(calls).maxAttempts(5).retryBudget(budget)
                     .reconnectDelay(Duration.ofMillis(1)).maxReconnectDelay(Duration.ofMillis(20)).build())) {
            server.resetEach = true;
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(client.echoAsync("lost " + i));
            }
            for (CompletableFuture<String> future : futures) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
                assertInstanceOf(ConnectionLostException.class, e.getCause(), String.valueOf(e.getCause()));
            }
            ClientStats stats = client.stats();
            // One free resend each, then the budget's tokens: not maxAttempts - 1 = 4 resends each.
            assertTrue(stats.retried() <= calls + budget, "resends past the free one throttled: " + stats);
            assertEquals(calls, stats.failed(), stats.toString());
        }
    }
}
