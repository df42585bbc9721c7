package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After {@code close()} returns, every future the client returned is complete and no thread of the
 * client is still running the stages that depend on one (they run on the thread that completes it).
 */
class CloseEndsEveryCallTest {

    /**
     * A deadline's failure is delivered on a virtual thread of its own, and the timer gave the call's
     * {@code maxInFlight} permit back before that thread ran: close(), which waits for the permits,
     * returned with the future still incomplete. Virtual threads that hold every carrier for a while
     * keep the delivery from running, so the window is as wide as their hold.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeReturnsOnlyOnceATimedOutCallsFutureIsCompleteAndItsStagesHaveRun() throws Exception {
        // Accepts and closes at once: connect() succeeds, and then there is no connection to go to.
        try (ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!closing.isClosed()) {
                    try {
                        closing.accept().close();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            EchoClient client = EchoClient.connect(ClientConfig.builder().host("127.0.0.1").port(closing.getLocalPort())
                    .requestTimeout(Duration.ofMillis(200)).closeTimeout(Duration.ofSeconds(10))
                    .reconnectDelay(Duration.ofSeconds(30)).maxReconnectDelay(Duration.ofSeconds(30)).build());
            AtomicBoolean release = new AtomicBoolean();
            List<Thread> busy = new ArrayList<>();
            try {
                Await.until("no connection", Duration.ofSeconds(10), () -> client.stats().connections() == 0);
                int carriers = Runtime.getRuntime().availableProcessors();
                CountDownLatch spinning = new CountDownLatch(carriers);
                for (int i = 0; i < carriers; i++) {
                    busy.add(Thread.ofVirtual().start(() -> {
                        spinning.countDown();
                        // Never parks: holds its carrier until released, or for 2 s at most.
                        long cap = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                        while (!release.get() && System.nanoTime() - cap < 0) {
                            Thread.onSpinWait();
                        }
                    }));
                }
                assertTrue(spinning.await(10, TimeUnit.SECONDS), "every carrier taken");
                AtomicBoolean stageRan = new AtomicBoolean();
                CompletableFuture<String> call = client.echoAsync("nowhere");
                call.whenComplete((value, failure) -> stageRan.set(true));
                Await.until("the call timed out and gave its permit back", Duration.ofSeconds(10),
                        () -> client.stats().timedOut() == 1 && client.stats().inFlight() == 0,
                        () -> client.stats().toString());
                assertFalse(call.isDone(), "precondition: the deadline's failure waits for a carrier");

                client.close();
                boolean done = call.isDone();
                boolean ran = stageRan.get();
                release.set(true);
                assertTrue(done, "close() returned with a timed-out call's future incomplete");
                assertTrue(ran, "close() returned before the timed-out call's dependent stage had run");
            } finally {
                release.set(true);
                for (Thread t : busy) {
                    t.join();
                }
                client.close();
            }
        }
    }

    /**
     * An answer's future was completed on the reader after the call's permit was given back: close()
     * could return before the future was complete, and returned while a dependent stage was still
     * running on the reader. The stage here takes half a second (its work, not synchronization).
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeReturnsOnlyOnceTheStagesOfAnAnsweredCallHaveRun() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (FakeServer held = answeringOnce(answer);
             EchoClient client = patientClientOf(held)) {
            CountDownLatch stageStarted = new CountDownLatch(1);
            AtomicBoolean stageEnded = new AtomicBoolean();
            CompletableFuture<String> call = client.echoAsync("answered");
            CompletableFuture<String> stage = call.whenComplete((value, failure) -> {
                stageStarted.countDown();
                try {
                    Thread.sleep(500); // the stage's own work
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stageEnded.set(true);
            });
            answer.countDown();
            assertTrue(stageStarted.await(10, TimeUnit.SECONDS), "the answer arrived and its stage started");

            client.close();
            boolean ended = stageEnded.get();
            assertTrue(ended, "close() returned while a dependent stage of an answered call was still running");
            assertEquals("answered", stage.get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * An interrupted close() stops waiting for calls to finish, but not for the readers to fail what
     * they held: it returned at once with those futures incomplete (a helper's reading).
     */
    @Test
    @Timeout(60)
    void anInterruptedCloseStillReturnsWithEveryFutureComplete() throws Exception {
        try (SilentPeer silent = new SilentPeer(socket -> socket.getInputStream().readAllBytes())) {
            EchoClient client = EchoClient.connect(silent.config().requestTimeout(Duration.ofSeconds(30)).build());
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(client.echoAsync("unanswered " + i));
            }
            Await.until("every call written", Duration.ofSeconds(10), () -> client.stats().sent() == 200);
            Thread.currentThread().interrupt();
            client.close();
            boolean stillInterrupted = Thread.interrupted();
            long incomplete = calls.stream().filter(call -> !call.isDone()).count();
            assertEquals(0, incomplete, "futures incomplete after an interrupted close()");
            assertTrue(stillInterrupted, "the interrupt is kept for the caller");
        }
    }

    /** close() called from a dependent stage, which a client thread runs, does not wait for that stage. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeCalledFromADependentStageDoesNotWaitForItself() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (FakeServer held = answeringOnce(answer);
             EchoClient client = patientClientOf(held)) {
            CompletableFuture<Long> closedIn = client.echoAsync("then close").thenApply(value -> {
                long start = System.nanoTime();
                client.close();
                return (System.nanoTime() - start) / 1_000_000;
            });
            answer.countDown();
            long millis = closedIn.get(30, TimeUnit.SECONDS);
            assertTrue(millis < 5_000, "close() from a dependent stage took " + millis + " ms (close timeout 10 s)");
            assertTrue(client.isClosed());
        }
    }

    /** A client whose calls and close() outwait anything these tests hold back. */
    private static EchoClient patientClientOf(FakeServer server) {
        return EchoClient.connect(ClientConfig.builder().port(server.port())
                .requestTimeout(Duration.ofSeconds(20)).closeTimeout(Duration.ofSeconds(10)).build());
    }

    /** A server that answers each echo once {@code answer} is counted down: the stage is attached before. */
    private static FakeServer answeringOnce(CountDownLatch answer) throws IOException {
        return new FakeServer(request -> {
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Messages.echoAnswer(request.getEchoMessage().getContent());
        });
    }
}
