package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.EchoClientException;
import dev.echo.client.ServerErrorException;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.testkit.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first test, at its full size: 64 threads share one {@link EchoClient} against the
 * packaged server process and each makes 100,000 mixed calls back to back (echoes of texts of 0 to
 * 300 characters, unique to thread and call; sums; one in sixteen an add that overflows, whose {@code
 * ADD_OVERFLOW} answer must name its own operands), every answer checked against its own request.
 * 6.4 million calls: about half a minute on an idle 2-core machine, a few minutes with both cores
 * kept busy, and 5.4 million in 8 minutes under four CPU hogs beside the rest of the suite (11,000
 * calls a second, none failed); if it has not finished in {@link #BOUND} the callers stop and the test
 * fails saying how far it got.
 */
class SharedClientFullSpeedIT {
    private static final int THREADS = 64;
    private static final int CALLS_EACH = 100_000;
    private static final Duration BOUND = Duration.ofMinutes(12);
    private static final String FILLER = "x".repeat(300);

    @Test
    @Timeout(900)
    void sixtyFourThreadsMakeAHundredThousandCallsEachAndEveryAnswerIsItsOwn() throws Exception {
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            AtomicLong checked = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(port)
                    .requestTimeout(Duration.ofSeconds(60)).build())) {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    threads.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                        for (int i = 0; i < CALLS_EACH && !stop.get() && wrong.size() < 10; i++) {
                            String problem = callAndCheck(client, thread, i);
                            if (problem != null) {
                                wrong.add(problem);
                            } else {
                                checked.incrementAndGet();
                            }
                        }
                    }));
                }
                long end = System.nanoTime() + BOUND.toNanos();
                for (Thread thread : threads) {
                    long left = end - System.nanoTime();
                    if (!thread.join(Duration.ofNanos(Math.max(left, 1)))) {
                        stop.set(true);
                    }
                }
                for (Thread thread : threads) {
                    assertTrue(thread.join(Duration.ofSeconds(90)), "a caller did not stop: " + client.stats());
                }
                long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L);
                assertEquals(List.of(), List.copyOf(wrong), "every answer is its own request's");
                assertEquals((long) THREADS * CALLS_EACH, checked.get(), "every call answered and checked within "
                        + BOUND + " (" + seconds + " s so far): " + client.stats());
                assertEquals(0, client.stats().failed(), "no call failed: " + client.stats());
                System.out.printf("SharedClientFullSpeedIT: %,d calls checked in %d s (%,d/s), %s%n", checked.get(),
                        seconds, checked.get() / seconds, client.stats().latency());
            }
        }
    }

    /** One call, chosen by thread and index; null if its answer is right, else what was wrong. */
    private static String callAndCheck(EchoClient client, int thread, int i) {
        try {
            switch (i % 16) {
                case 15 -> {
                    int a = Integer.MAX_VALUE - thread;
                    int b = thread + 1 + i;
                    try {
                        int sum = client.add(a, b);
                        return "add " + a + " " + b + " answered " + sum + ", not ADD_OVERFLOW";
                    } catch (ServerErrorException e) {
                        String detail = a + " + " + b + " overflows int32";
                        return e.code() == ErrorResponse.Code.ADD_OVERFLOW && e.detail().equals(detail) ? null
                                : "add " + a + " " + b + " answered " + e.getMessage();
                    }
                }
                case 1, 3, 5, 7, 9, 11, 13 -> {
                    int a = thread * 1_000_000 - i;
                    int b = i * 7;
                    int sum = client.add(a, b);
                    return sum == a + b ? null : "add " + a + " " + b + " answered " + sum;
                }
                default -> {
                    String text = thread + "/" + i + ":" + FILLER.substring(0, (i * 31 + thread) % FILLER.length());
                    String echo = client.echo(text);
                    return echo.equals(text) ? null : "echo " + text + " answered " + echo;
                }
            }
        } catch (EchoClientException e) {
            return "call " + thread + "/" + i + " failed: " + e;
        }
    }
}
