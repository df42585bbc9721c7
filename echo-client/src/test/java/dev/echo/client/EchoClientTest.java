package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.testkit.Await;
import dev.echo.testkit.OwnThread;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared, pipelined client against the real server (in process, port 0) and against fakes. */
@Timeout(120)
class EchoClientTest {

    private static EchoServer start(int port) throws IOException {
        return EchoServer.create(ServerConfig.builder().port(port).shutdownGrace(Duration.ofSeconds(5)).build()).start();
    }

    private static ClientConfig.Builder to(int port) {
        return ClientConfig.builder().port(port).requestTimeout(Duration.ofSeconds(20));
    }

    /** {@code threads} threads, {@code each} mixed calls each, every answer checked against its own request. */
    private static long hammer(EchoClient client, int threads, int each, AtomicLong failures) throws Exception {
        AtomicLong checked = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            if (i % 2 == 0) {
                                String text = thread + "/" + i;
                                assertEquals(text, client.echo(text), "echo of thread " + thread + " call " + i);
                            } else {
                                assertEquals(thread * 100_000 + i, client.add(thread * 100_000, i), "sum " + thread + "/" + i);
                            }
                            checked.incrementAndGet();
                        } catch (EchoClientException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
        }
        return checked.get();
    }

    @Test
    void manyThreadsShareOneClientAndEveryAnswerIsItsOwn() throws Exception {
        try (EchoServer server = start(0); EchoClient client = EchoClient.connect(to(server.port()).build())) {
            AtomicLong failures = new AtomicLong();
            long checked = hammer(client, 64, 2_000, failures);
            assertEquals(0, failures.get(), "no call failed");
            assertEquals(64 * 2_000, checked, "every answer checked");
            ClientStats stats = client.stats();
            assertEquals(64 * 2_000, stats.answered(), "answered counted: " + stats);
            assertEquals(0, stats.inFlight(), "nothing left in flight");
            assertEquals(64 * 2_000, stats.latency().count(), "a latency per answer");
            assertTrue(stats.latency().at(99).compareTo(stats.latency().at(50)) >= 0, "p99 >= p50");
        }
    }

    @Test
    void asyncCallsCompleteWithTheirOwnAnswersAndErrorAnswersAreTyped() throws Exception {
        try (EchoServer server = start(0); EchoClient client = EchoClient.connect(to(server.port()).build())) {
            List<CompletableFuture<String>> echoes = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                echoes.add(client.echoAsync("n" + i));
            }
            CompletableFuture<Integer> overflow = client.addAsync(Integer.MAX_VALUE, 1);
            for (int i = 0; i < 500; i++) {
                assertEquals("n" + i, echoes.get(i).get(20, TimeUnit.SECONDS), "async echo " + i);
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> overflow.get(20, TimeUnit.SECONDS));
            ServerErrorException error = assertInstanceOf(ServerErrorException.class, e.getCause(), "typed");
            assertEquals(ErrorResponse.Code.ADD_OVERFLOW, error.code(), "the server's code");
            assertEquals(0, client.stats().retried(), "error answers are not retried");
            assertEquals(3, client.add(1, 2), "still usable after an error answer");
        }
    }

    /** As on the server, an absurdly long timeout means waiting: three centuries made connect() and close() throw. */
    @Test
    void hugeDurationsMeanWaitingNotOverflowing() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        try (FakeServer server = new FakeServer(request -> Messages.echoAnswer(request.getEchoMessage().getContent()))) {
            EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                    .requestTimeout(forever).closeTimeout(forever).build());
            assertEquals("patient", client.echo("patient"));
            client.close(); // nothing outstanding: returns at once
            assertThrows(ClientClosedException.class, () -> client.echo("after close"), "closed, not failed to close");
        }
    }

    /**
     * A text with an unpaired surrogate has no UTF-8 form: protobuf sent '?' for it, and the echo was
     * taken for another request's answer, the connection closed as the server's fault (an attacker's
     * finding). It is the caller's mistake, told before anything is sent; a pair is one character.
     */
    @Test
    void aTextWithAnUnpairedSurrogateIsRefusedBeforeItIsSent() throws Exception {
        EchoServer server = start(0);
        try (EchoClient client = EchoClient.connect(to(server.port()).build());
             EchoConnection connection = EchoConnection.connect("127.0.0.1", server.port())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.echo("a\uD800b"));
            assertEquals("text has an unpaired surrogate \\ud800 at index 1 of 3: it has no UTF-8 form to send", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> client.echoAsync("\uDC00"), "a low one alone");
            assertThrows(IllegalArgumentException.class, () -> connection.echo("end \uD83D"), "a high one at the end");
            assertEquals("pair \uD83D\uDE00", client.echo("pair \uD83D\uDE00"), "a pair is sent");
            assertEquals("pair \uD83D\uDE00", connection.echo("pair \uD83D\uDE00"));
            assertEquals(0, client.stats().failed(), "nothing failed on the wire: " + client.stats());
            assertEquals(2, server.stats().connectionsAccepted(), "the client's and the connection's, neither replaced");
        } finally {
            server.close();
        }
    }

    /** A server's error detail ends up in logs and on terminals: escaped in the message, as sent in {@code detail()}. */
    @Test
    void aServersErrorDetailIsEscapedInTheMessageAndKeptInDetail() throws Exception {
        String detail = "busy\u001b[2J\r\nFORGED";
        try (FakeServer forging = new FakeServer(request -> Messages.error(ErrorResponse.Code.ADD_OVERFLOW, detail));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(forging.port()).build())) {
            ServerErrorException e = assertThrows(ServerErrorException.class, () -> client.add(Integer.MAX_VALUE, 1));
            assertEquals("ADD_OVERFLOW: busy\\u001b[2J\\u000d\\u000aFORGED", e.getMessage());
            assertEquals(detail, e.detail());
        }
    }

    @Test
    void aServerRestartedOnTheSamePortUnderLoadCostsNoCall() throws Exception {
        EchoServer first = start(0);
        int port = first.port();
        try (EchoClient client = EchoClient.connect(to(port).build())) {
            AtomicLong failures = new AtomicLong();
            CompletableFuture<Long> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return hammer(client, 32, 1_500, failures);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, OwnThread.named("load"));
            Await.until("some answers before the restart", Duration.ofSeconds(20), () -> client.stats().answered() > 2_000);
            first.close(); // graceful: SHUTTING_DOWN answers and FINs between frames
            try (EchoServer second = start(port)) {
                assertEquals(32 * 1_500, load.get(100, TimeUnit.SECONDS), "every call answered and checked");
                assertEquals(0, failures.get(), "no call failed across the restart: " + client.stats());
                assertTrue(client.stats().reconnects() >= 1, "it reconnected: " + client.stats());
            }
        }
    }

    @Test
    void withRetriesOffARestartFailsCallsWithTypedExceptions() throws Exception {
        EchoServer first = start(0);
        int port = first.port();
        try (EchoClient client = EchoClient.connect(to(port).noRetries().build())) {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                calls.add(client.echoAsync("x" + i));
            }
            first.close();
            long failed = 0;
            for (CompletableFuture<String> call : calls) {
                try {
                    call.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertInstanceOf(EchoClientException.class, e.getCause(), "typed");
                    failed++;
                }
            }
            // Without the server the next calls cannot succeed; with retries they would wait for it.
            EchoClientException e = assertThrows(EchoClientException.class, () -> client.echo("after"));
            assertTrue(e instanceof RequestTimeoutException || e instanceof ConnectionLostException
                    || e instanceof ServerErrorException, "typed: " + e);
            assertEquals(0, client.stats().retried(), "nothing retried");
            assertTrue(failed > 0 || client.stats().failed() > 0, "calls failed: " + client.stats());
        }
    }

    @Test
    void aBlackHoleTimesCallsOutWrittenReplacesTheConnectionAndNeverMisdeliversALateAnswer() throws Exception {
        try (FakeServer hole = new FakeServer(request -> null);
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(hole.port())
                     .requestTimeout(Duration.ofMillis(500)).build())) {
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.echo("void"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.wasWritten(), "written: " + e.getMessage());
                assertTrue(e.getMessage().contains("timed out") && e.getMessage().contains("written"), e.getMessage());
                // The bound, deadline + 200 ms: the client's timer thread completes the future at the
                // deadline; the rest is waking this thread, a few ms even with both cores kept busy.
                assertTrue(millis >= 450 && millis <= 500 + 200, "failed at its deadline, took " + millis + " ms");
            }
            Await.until("the silent connection replaced", Duration.ofSeconds(10), () -> hole.accepted.get() >= 2,
                    () -> hole.accepted + " connections");
        }
    }

    /**
     * A fallback that blocks, {@code exceptionally(e -> client.echo(...))}, is a common way to use a
     * future. A deadline's failure used to complete the future on the client's one timer thread, which
     * then ran the fallback and waited in it for good: no deadline of the client passed any more, and
     * another thread's plain echo() with a 300 ms deadline still waited 5 s later (an attacker's
     * finding). Deadlines now complete their futures off the timer.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBlockingFallbackOnATimedOutCallStopsNoDeadline() throws Exception {
        try (FakeServer hole = new FakeServer(request -> null);
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(hole.port())
                     .requestTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ZERO).build())) {
            CompletableFuture<String> withFallback = client.echoAsync("first")
                    .exceptionally(e -> client.echo("fallback after " + e.getClass().getSimpleName()));
            CompletableFuture<Throwable> other = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    other.complete(new AssertionError("answered: " + client.echo("other")));
                } catch (RuntimeException e) {
                    other.complete(e);
                }
            });
            Throwable otherEnd = endWithinFiveSeconds(other, "another thread's echo() with a 300 ms deadline");
            assertInstanceOf(RequestTimeoutException.class, otherEnd, "the other call: " + otherEnd);
            ExecutionException fallbackEnd = assertThrows(ExecutionException.class, () -> withFallback.get(5, TimeUnit.SECONDS),
                    "the fallback's own call ends at its deadline too");
            assertInstanceOf(RequestTimeoutException.class, fallbackEnd.getCause(), "the fallback: " + fallbackEnd);
            Await.until("the silent connection replaced", Duration.ofSeconds(10), () -> hole.accepted.get() >= 2,
                    () -> hole.accepted + " connections");
        }
    }

    /**
     * A blocking call ends at its deadline while CPU-bound virtual threads hold every carrier: the
     * deadline's failure is delivered on a virtual thread, and waiting for it alone, a call with a
     * 200 ms deadline returned after 2.9 s (a helper's review). A blocking call now waits at most a
     * little past its deadline and then ends the request itself.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBlockingCallEndsAtItsDeadlineWhileVirtualThreadsHoldEveryCarrier() throws Exception {
        try (FakeServer hole = new FakeServer(request -> null);
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(hole.port())
                     .requestTimeout(Duration.ofMillis(200)).closeTimeout(Duration.ZERO).build())) {
            int carriers = Runtime.getRuntime().availableProcessors();
            java.util.concurrent.CountDownLatch spinning = new java.util.concurrent.CountDownLatch(carriers);
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> busy = new ArrayList<>();
            for (int i = 0; i < carriers; i++) {
                busy.add(Thread.ofVirtual().start(() -> {
                    spinning.countDown();
                    long cap = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // never parks: holds its carrier
                    while (!done.get() && System.nanoTime() - cap < 0) {
                        Thread.onSpinWait();
                    }
                }));
            }
            assertTrue(spinning.await(10, TimeUnit.SECONDS), "every carrier taken");
            long start = System.nanoTime();
            try {
                assertThrows(RequestTimeoutException.class, () -> client.echo("from a platform thread"));
            } finally {
                done.set(true);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            for (Thread t : busy) {
                t.join();
            }
            assertTrue(millis < 1_000, "a 200 ms deadline ended the call after " + millis + " ms");
        }
    }

    private static Throwable endWithinFiveSeconds(CompletableFuture<Throwable> end, String what) throws Exception {
        try {
            return end.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " had not ended 5 s later: a deadline that never passed");
        }
    }

    /**
     * A server that accepts and never reads: the socket fills and an async call waits in its write
     * (as its Javadoc says), until the requests written before it time out with no answer and the
     * connection is replaced, which ends the write; every future fails typed. Calls go on until one
     * has waited 1 s (the buffers' size is the host's); it must not wait past the replacement.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked socket write ignores interrupts
    void anAsyncCallWaitingInAWriteToAServerThatTakesNoBytesReturnsOnceTheConnectionIsReplaced() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket deaf = new ServerSocket()) {
            deaf.setReceiveBufferSize(4096);
            deaf.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(deaf.accept()); // and never read
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            String text = "x".repeat(60 * 1024);
            List<CompletableFuture<String>> futures = new ArrayList<>();
            long waitedMillis = 0;
            try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(deaf.getLocalPort())
                    .requestTimeout(Duration.ofSeconds(2)).maxInFlight(10_000).noRetries().build())) {
                for (int i = 0; i < 2_000 && waitedMillis < 1_000; i++) { // 2,000 calls of 60 KiB: 120 MB at most
                    long start = System.nanoTime();
                    futures.add(client.echoAsync(text));
                    waitedMillis = (System.nanoTime() - start) / 1_000_000;
                }
                assertTrue(waitedMillis >= 1_000, "expected a call to wait in its write, none waited 1 s in "
                        + futures.size() + " calls");
                assertTrue(waitedMillis <= 8_000, "expected the wait ended by the connection's replacement (request"
                        + " timeout 2 s), the call took " + waitedMillis + " ms");
                for (CompletableFuture<String> future : futures) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
                    assertTrue(e.getCause() instanceof RequestTimeoutException || e.getCause() instanceof ConnectionLostException,
                            "typed: " + e.getCause());
                }
                Await.until("the connection replaced", Duration.ofSeconds(10), () -> held.size() >= 2,
                        () -> held.size() + " accepted");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aCallWithNoConnectionToGoToFailsAtItsDeadlineNeverWritten() throws Exception {
        EchoServer server = start(0);
        try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                .requestTimeout(Duration.ofMillis(500)).build())) {
            assertEquals("up", client.echo("up"));
            server.close();
            Await.until("the client sees the server gone", Duration.ofSeconds(10),
                    () -> client.stats().connections() == 0);
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.echo("nowhere"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertFalse(e.wasWritten(), "never written: " + e.getMessage());
                assertTrue(e.getMessage().contains("never written") && e.getMessage().contains("connection refused"),
                        e.getMessage());
                assertTrue(millis >= 450 && millis <= 500 + 200, "failed at its deadline, took " + millis + " ms");
            }
        } finally {
            server.close();
        }
    }

    /**
     * Calls that time out waiting for a connection leave the queue of those waiting: through an outage
     * they piled up there, about a kilobyte each, until a connection came (300 MiB after 300,000 calls,
     * an attacker saw).
     */
    @Test
    void callsThatTimedOutWaitingForAConnectionDoNotPileUp() throws Exception {
        EchoServer server = start(0);
        try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                .requestTimeout(Duration.ofMillis(100)).build())) {
            assertEquals("up", client.echo("up"));
            server.close();
            Await.until("the client sees the server gone", Duration.ofSeconds(10),
                    () -> client.stats().connections() == 0);
            for (int round = 0; round < 10; round++) {
                List<CompletableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    calls.add(client.echoAsync("nowhere " + i));
                }
                for (CompletableFuture<String> call : calls) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
                    assertInstanceOf(RequestTimeoutException.class, e.getCause());
                }
            }
            Await.until("the 5,000 timed-out calls gone from the queue", Duration.ofSeconds(10),
                    () -> client.waitingForConnection() == 0, () -> client.waitingForConnection() + " still queued");
        } finally {
            server.close();
        }
    }

    /**
     * A call that found no connection raced close(): added to the queue of those waiting just after
     * close() emptied it, with its deadline task dropped by the timer's shutdown, it never ended (5
     * rounds in 100, an attacker saw; the blocking calls would wait for ever).
     */
    @Test
    void everyCallRacingCloseEnds() throws Exception {
        // Accepts and closes at once: connect() succeeds, and then there is no connection to go to.
        try (ServerSocket closing = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!closing.isClosed()) {
                    try {
                        closing.accept().close();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            for (int round = 0; round < 40; round++) {
                EchoClient client = EchoClient.connect(ClientConfig.builder().port(closing.getLocalPort())
                        .requestTimeout(Duration.ofSeconds(2)).closeTimeout(Duration.ZERO)
                        .reconnectDelay(Duration.ofSeconds(1)).maxReconnectDelay(Duration.ofSeconds(1)).build());
                Await.until("no connection", Duration.ofSeconds(10), () -> client.stats().connections() == 0);
                List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
                List<Thread> callers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    callers.add(Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 100; i++) {
                            calls.add(client.echoAsync("racing " + i));
                        }
                    }));
                }
                client.close();
                for (Thread caller : callers) {
                    caller.join();
                }
                for (CompletableFuture<String> call : calls) {
                    int r = round;
                    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS),
                            () -> "round " + r + ": a call that never ended");
                    assertInstanceOf(EchoClientException.class, e.getCause());
                }
            }
        }
    }

    /**
     * A server that answers SHUTTING_DOWN and keeps the connection open: the client opened no other
     * connection until that one ended, and every call timed out, never written (an attacker's finding).
     */
    @Test
    void aConnectionKeptOpenAfterShuttingDownIsLeftForANewOne() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        try (FakeServer holding = new FakeServer(request -> requests.incrementAndGet() == 1
                ? Messages.error(ErrorResponse.Code.SHUTTING_DOWN, "stopping (but keeping the connection)")
                : Messages.echoAnswer(request.getEchoMessage().getContent()));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(holding.port())
                     .requestTimeout(Duration.ofSeconds(5)).build())) {
            long start = System.nanoTime();
            assertEquals("again", client.echo("again"), "sent again, on a new connection");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= Connection.DRAIN_WAIT_MILLIS - 50, "the old connection left after its wait, took " + millis + " ms");
            assertEquals(2, holding.accepted.get(), "a second connection");
            assertEquals(1, client.stats().retried(), "the refused call sent again: " + client.stats());
            assertEquals("and on", client.echo("and on"));
        }
    }

    /**
     * A server that answers every call SHUTTING_DOWN and keeps each connection: the call goes again until
     * its deadline, whose message says why it went again; it read as a server that never answers.
     */
    @Test
    void aCallTimedOutAfterShuttingDownAnswersSaysSo() throws Exception {
        try (FakeServer stopping = new FakeServer(request -> Messages.error(ErrorResponse.Code.SHUTTING_DOWN, "stopping"));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(stopping.port())
                     .requestTimeout(Duration.ofSeconds(1)).build())) {
            RequestTimeoutException timedOut = assertThrows(RequestTimeoutException.class, () -> client.echo("hi"));
            assertTrue(timedOut.getMessage().contains("(sent again after: 127.0.0.1:" + stopping.port() + " is shutting down)"),
                    timedOut.getMessage());
        }
    }

    /**
     * The counters as ClientStats documents them: a call that waited for room until its deadline timed
     * out (it was counted failed only); one that ends with the server's SHUTTING_DOWN when it cannot
     * go again was answered, with an error (it was counted failed, not answered). An attacker's finding.
     */
    @Test
    void timeoutsWaitingForRoomAndAFinalShuttingDownAreCountedAsDocumented() throws Exception {
        try (FakeServer hole = new FakeServer(request -> null);
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(hole.port()).maxInFlight(1)
                     .requestTimeout(Duration.ofMillis(300)).build())) {
            CompletableFuture<String> written = client.echoAsync("written");
            CompletableFuture<String> waitingForRoom = client.echoAsync("waiting for room");
            for (CompletableFuture<String> call : List.of(written, waitingForRoom)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
                assertInstanceOf(RequestTimeoutException.class, e.getCause());
            }
            Await.until("both counted", Duration.ofSeconds(5), () -> client.stats().failed() == 2,
                    () -> client.stats().toString());
            assertEquals(2, client.stats().timedOut(), "both timed out: " + client.stats());
        }
        try (FakeServer stopping = new FakeServer(request -> Messages.error(ErrorResponse.Code.SHUTTING_DOWN, "stopping"));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(stopping.port()).maxAttempts(2)
                     .requestTimeout(Duration.ofSeconds(10)).build())) {
            ServerErrorException e = assertThrows(ServerErrorException.class, () -> client.echo("refused twice"));
            assertEquals(ErrorResponse.Code.SHUTTING_DOWN, e.code());
            ClientStats stats = client.stats();
            assertEquals(1, stats.answered(), "ended with the server's error answer: " + stats);
            assertEquals(0, stats.failed(), "not failed: " + stats);
            assertEquals(1, stats.retried(), stats.toString());
        }
    }

    /**
     * A connection that ends inside an answer (half of it, then FIN) is a lost connection, as a reset
     * there is: the request goes again. It failed as a bad answer, not retried (an attacker's finding).
     */
    @Test
    void aConnectionEndingInsideAnAnswerIsLostAndTheRequestGoesAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket cutting = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!cutting.isClosed()) {
                    try {
                        Socket socket = cutting.accept();
                        boolean cut = connections.incrementAndGet() == 1; // the first one's answer is cut in half
                        Thread.ofVirtual().start(() -> answer(socket, cut));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(cutting.getLocalPort())
                    .requestTimeout(Duration.ofSeconds(10)).build())) {
                assertEquals("whole at last", client.echo("whole at last"));
                assertEquals(1, client.stats().retried(), "sent again: " + client.stats());
                assertEquals(2, connections.get(), "on a second connection");
            }
        }
    }

    /** Answers echoes on {@code socket}; with {@code cut}, sends half of the first answer and closes. */
    private static void answer(Socket socket, boolean cut) {
        try (socket) {
            dev.echo.core.FrameReader reader = dev.echo.core.Framing.DELIMITED.newReader(socket.getInputStream());
            for (dev.echo.core.proto.ClientMessage request; (request = reader.read(dev.echo.core.proto.ClientMessage.parser())) != null; ) {
                byte[] frame = dev.echo.core.Framing.DELIMITED.encode(Messages.echoAnswer(request.getEchoMessage().getContent()));
                socket.getOutputStream().write(frame, 0, cut ? frame.length / 2 : frame.length);
                socket.getOutputStream().flush();
                if (cut) {
                    return; // FIN after half an answer
                }
            }
        } catch (IOException e) {
            // the client went
        }
    }

    /**
     * Two addresses, one taking connections and requests but never answering: each time its silent
     * connection was replaced, the new one took half the calls again, to time out (bursts went 100 of
     * 200 answered, an attacker saw). A connection after one that answered nothing takes one request
     * at a time until it answers, so the calls go to the address that answers.
     */
    @Test
    void anAddressThatNeverAnswersGetsOneRequestAtATimeAfterItsFirstSilentConnection() throws Exception {
        try (FakeServer silent = new FakeServer(request -> null);
             EchoServer good = start(0);
             EchoClient client = EchoClient.connect(ClientConfig.builder()
                     .addresses("127.0.0.1:" + silent.port(), "127.0.0.1:" + good.port())
                     .requestTimeout(Duration.ofMillis(500)).build())) {
            Await.until("one connection to each", Duration.ofSeconds(10), () -> client.stats().connections() == 2);
            int first = answeredOf(client, 200);
            assertTrue(first < 200, "the first silent connection takes its share: " + first + " of 200 answered");
            Await.until("the silent connection replaced", Duration.ofSeconds(10), () -> silent.accepted.get() >= 2,
                    () -> silent.accepted + " connections to the silent address");
            for (int burst = 0; burst < 3; burst++) {
                int answered = answeredOf(client, 200);
                assertTrue(answered >= 198, "burst " + burst + ": " + answered + " of 200 answered; the silent address"
                        + " may hold one request per connection; " + client.stats());
            }
        }
    }

    /** Sends {@code n} echoes at once; how many were answered. */
    private static int answeredOf(EchoClient client, int n) throws InterruptedException {
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(client.echoAsync("burst " + i));
        }
        int answered = 0;
        for (CompletableFuture<String> call : calls) {
            try {
                call.get(20, TimeUnit.SECONDS);
                answered++;
            } catch (ExecutionException e) {
                assertInstanceOf(RequestTimeoutException.class, e.getCause(), "only timeouts at the silent address");
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("a call that never ended", e);
            }
        }
        return answered;
    }

    @Test
    void aLateAnswerGoesToNobody() throws Exception {
        // "a" is answered after 250 ms (in time), "x" after 800 ms more (late): x times out, but the
        // connection answered since x was written, so it stays; x's late answer must go to nobody.
        try (FakeServer slow = new FakeServer(request -> {
                String text = request.getEchoMessage().getContent();
                pause(text.equals("a") ? 250 : text.equals("x") ? 800 : 0);
                return Messages.echoAnswer(text);
            });
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(slow.port())
                     .requestTimeout(Duration.ofMillis(600)).noRetries().build())) {
            CompletableFuture<String> a = client.echoAsync("a");
            CompletableFuture<String> x = client.echoAsync("x");
            assertEquals("a", a.get(5, TimeUnit.SECONDS), "answered in time");
            ExecutionException e = assertThrows(ExecutionException.class, () -> x.get(5, TimeUnit.SECONDS));
            assertInstanceOf(RequestTimeoutException.class, e.getCause());
            assertEquals("second", client.echo("second"), "the next caller gets its own answer, not the late one");
            assertEquals(1, client.stats().lateAnswers(), "the late answer was read and dropped");
            assertEquals(1, slow.accepted.get(), "the connection that answered was kept");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the fake server's slowness, not a synchronization
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anAnswerOfTheWrongKindIsATypedFailureAndTheConnectionIsReplaced() throws Exception {
        try (FakeServer wrong = new FakeServer(request -> Messages.sum(7));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(wrong.port())
                     .requestTimeout(Duration.ofSeconds(5)).build())) {
            BadAnswerException e = assertThrows(BadAnswerException.class, () -> client.echo("x"));
            assertTrue(e.getMessage().contains("expected an echo answer, got ADD_RESPONSE"), e.getMessage());
            Await.until("a new connection", Duration.ofSeconds(10), () -> wrong.accepted.get() >= 2);
            assertEquals(7, client.add(3, 4), "an add is answered right on the new connection");
        }
    }

    @Test
    void aSlowServerNeverSeesMoreThanMaxInFlight() throws Exception {
        try (FakeServer hole = new FakeServer(request -> null);
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(hole.port()).maxInFlight(8)
                     .requestTimeout(Duration.ofSeconds(3)).noRetries().build())) {
            List<CompletableFuture<String>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20; i++) {
                    calls.add(client.echoAsync("held" + i)); // the ninth waits here for room
                }
            });
            Await.until("eight requests at the server", Duration.ofSeconds(5), () -> hole.requests.get() == 8);
            assertFalse(Await.holdsWithin(Duration.ofMillis(500), Duration.ofMillis(10), () -> hole.requests.get() > 8),
                    "the server saw more than the bound: " + hole.requests.get());
            assertEquals(8, client.stats().inFlight(), "eight in flight");
            assertTrue(caller.isAlive(), "the ninth call waits for room");
            assertTrue(caller.join(Duration.ofSeconds(20)), "every call returned its future");
        }
    }

    @Test
    void twoAddressesOneStoppedAndRestartedUnderLoadCostNoCallAndTrafficReturns() throws Exception {
        try (EchoServer a = start(0)) {
            EchoServer b = start(0);
            int bPort = b.port();
            try (EchoClient client = EchoClient.connect(ClientConfig.builder()
                    .addresses("127.0.0.1:" + a.port(), "127.0.0.1:" + bPort).requestTimeout(Duration.ofSeconds(20))
                    .build())) {
                // connect() returns with the first address connected; the other follows at once.
                Await.until("one connection to each", Duration.ofSeconds(10), () -> client.stats().connections() == 2,
                        client::describeConnections);
                AtomicLong failures = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Long> load = CompletableFuture.supplyAsync(() -> {
                    try {
                        return hammerUntil(client, 16, stop, failures);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, OwnThread.named("load"));
                Await.until("both addresses busy", Duration.ofSeconds(20),
                        () -> a.stats().echoRequests() > 1_000 && b.stats().echoRequests() > 1_000);
                b.close(); // under load: SHUTTING_DOWN answers and FINs, requests in flight there go to a
                long aBefore = a.stats().requestsAnswered();
                Await.until("the load goes on at a alone", Duration.ofSeconds(20),
                        () -> a.stats().requestsAnswered() > aBefore + 2_000);
                try (EchoServer back = start(bPort)) {
                    Await.until("traffic returns to the restarted address", Duration.ofSeconds(20),
                            () -> back.stats().requestsAnswered() > 1_000, client::describeConnections);
                    long aNow = a.stats().requestsAnswered();
                    Await.until("and a keeps its share", Duration.ofSeconds(20),
                            () -> a.stats().requestsAnswered() > aNow + 1_000);
                    stop.set(true);
                    long checked = load.get(60, TimeUnit.SECONDS);
                    assertTrue(checked > 4_000, "answers checked: " + checked);
                    assertEquals(0, failures.get(), "no call failed: " + client.stats());
                    assertEquals(2, client.stats().connections(), "one connection to each again: "
                            + client.describeConnections());
                }
            } finally {
                b.close();
            }
        }
    }

    /** Like {@link #hammer}, until {@code stop}; returns the answers checked. */
    private static long hammerUntil(EchoClient client, int threads, AtomicBoolean stop, AtomicLong failures)
            throws Exception {
        AtomicLong checked = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            String text = thread + "/" + i;
                            assertEquals(text, client.echo(text), "echo of thread " + thread + " call " + i);
                            assertEquals(thread * 100_000 + i % 100_000, client.add(thread * 100_000, i % 100_000),
                                    "sum " + thread + "/" + i);
                            checked.addAndGet(2);
                        } catch (EchoClientException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
        }
        return checked.get();
    }

    @Test
    void closeFailsNewCallsTyped() throws Exception {
        try (EchoServer server = start(0)) {
            EchoClient client = EchoClient.connect(to(server.port()).build());
            assertEquals("a", client.echo("a"));
            client.close();
            assertThrows(ClientClosedException.class, () -> client.echo("b"));
            assertTrue(client.isClosed());
        }
    }

    /**
     * A port bound, not listening, and held, so that no other process can take it: port 1 was taken by
     * something else on this machine during a fresh-clone CI run (root may bind it), and connected.
     */
    @Test
    void connectingToNothingFailsWithTheReason() throws IOException {
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = bound.getLocalPort();
            ConnectionLostException e = assertThrows(ConnectionLostException.class,
                    () -> EchoClient.connect(ClientConfig.builder().port(port).build()));
            assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + port + " (connection refused)"),
                    e.getMessage());
        }
    }
}
