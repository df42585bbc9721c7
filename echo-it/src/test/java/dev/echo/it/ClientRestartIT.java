package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.RequestTimeoutException;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client library across a restart of the packaged server on the same port, with 200 requests in
 * flight from 32 threads through one shared {@link EchoClient} (each thread keeps 6 or 7 async calls
 * outstanding, checks the oldest's answer and sends the next): SIGTERM with {@code --grace 5s}, and
 * {@code kill -9} with the next server launched at once. After SIGTERM no call may fail; after
 * {@code kill -9}, no call whose deadline (30 s) had not passed: a call may only fail as timed out,
 * and only once its deadline is behind it. The library reconnects and sends again what was not
 * answered.
 *
 * <p>The deadline is well past the downtime, signal to listening again: 3 to 5 s alone (the next
 * server's JVM start is most of it), and more beside the other test classes. With 10 s, calls waited
 * up to 5.9 s, too close for "a graceful restart costs no call" to mean the library rather than the
 * machine's load.
 */
class ClientRestartIT {
    private static final int THREADS = 32;
    private static final int IN_FLIGHT = 200;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static ServerProcess startOn(int port) throws IOException {
        // The old listener's port can take a moment to be free after its process ended.
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            ServerProcess server = ServerJar.process()
                    .args("--host", "127.0.0.1", "--port", Integer.toString(port), "--grace", "5s").start();
            try {
                server.awaitPort(Duration.ofSeconds(30));
                return server;
            } catch (IOException | AssertionError e) {
                server.close();
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
        }
    }

    /** One call in flight: what it must answer and when it was made. */
    private record Pending(CompletableFuture<?> answer, Object expected, long startNanos, String what) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGTERM", "SIGKILL"})
    void noCallFailsAcrossARestart(String signal) throws Exception {
        ServerProcess first = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--grace", "5s").start();
        int port = first.awaitPort(Duration.ofSeconds(30));
        AtomicLong answered = new AtomicLong();
        AtomicLong timedOutPastDeadline = new AtomicLong();
        AtomicInteger outstanding = new AtomicInteger();
        AtomicInteger mostOutstanding = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ServerProcess second = null;
        try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(port).requestTimeout(DEADLINE)
                .build())) {
            List<Thread> threads = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                int window = IN_FLIGHT / THREADS + (thread < IN_FLIGHT % THREADS ? 1 : 0); // 7 or 6: 200 in all
                threads.add(Thread.ofVirtual().start(() -> {
                    ArrayDeque<Pending> inFlight = new ArrayDeque<>();
                    for (int i = 0; !stop.get() || !inFlight.isEmpty(); i++) {
                        if (!stop.get() && inFlight.size() < window) {
                            long now = System.nanoTime();
                            if (i % 2 == 0) {
                                String text = thread + ":" + i;
                                inFlight.add(new Pending(client.echoAsync(text), text, now, "echo " + text));
                            } else {
                                inFlight.add(new Pending(client.addAsync(thread, i), thread + i, now,
                                        "add " + thread + " " + i));
                            }
                            mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                            continue;
                        }
                        Pending oldest = inFlight.poll();
                        check(oldest, answered, timedOutPastDeadline, failures);
                        outstanding.decrementAndGet();
                    }
                }));
            }
            Await.until("2,000 answers before the stop", Duration.ofSeconds(60), () -> answered.get() >= 2_000);
            long stopped = System.nanoTime();
            if (signal.equals("SIGTERM")) {
                first.terminate();
            } else {
                ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
            first.awaitExit(Duration.ofSeconds(30));
            long exitedMillis = (System.nanoTime() - stopped) / 1_000_000;
            long before = answered.get();
            second = startOn(port); // launched at once; listening as soon as its JVM is up
            long downMillis = (System.nanoTime() - stopped) / 1_000_000;
            Await.until("2,000 answers after the restart", Duration.ofSeconds(60),
                    () -> answered.get() >= before + 2_000, () -> answered + " answered; " + client.stats());
            stop.set(true);
            for (Thread thread : threads) {
                assertTrue(thread.join(DEADLINE.plusSeconds(30)), "a caller did not end");
            }
            System.out.printf("ClientRestartIT %s: server down %d ms (signal to listening again; exited after %d ms);"
                    + " %d answers; %d timed out past their deadline; at most %d in flight; %s%n", signal, downMillis,
                    exitedMillis,
                    answered.get(), timedOutPastDeadline.get(), mostOutstanding.get(), client.stats());
            assertEquals(IN_FLIGHT, mostOutstanding.get(), "200 requests were in flight at once");
            assertEquals(List.of(), List.copyOf(failures), "no call failed before its deadline: " + client.stats());
            if (signal.equals("SIGTERM")) {
                assertEquals(0, timedOutPastDeadline.get(), "a graceful restart costs no call at all");
            }
            assertTrue(client.stats().reconnects() >= 1, "it reconnected: " + client.stats());
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    /** Waits for {@code call}'s answer and checks it; a failure is allowed only as a timeout past the deadline. */
    private static void check(Pending call, AtomicLong answered, AtomicLong timedOutPastDeadline,
                              ConcurrentLinkedQueue<String> failures) {
        try {
            Object answer = call.answer().get();
            if (!answer.equals(call.expected())) {
                failures.add(call.what() + " answered " + answer);
            } else {
                answered.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(call.what() + ": interrupted");
        } catch (ExecutionException e) {
            long took = System.nanoTime() - call.startNanos();
            if (e.getCause() instanceof RequestTimeoutException && took >= DEADLINE.toNanos()) {
                timedOutPastDeadline.incrementAndGet();
            } else {
                failures.add(call.what() + " after " + took / 1_000_000 + " ms: " + e.getCause());
            }
        }
    }
}
