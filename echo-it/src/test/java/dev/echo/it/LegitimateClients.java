package dev.echo.it;

import dev.echo.client.EchoConnection;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The users an attack must not hurt: {@code k} clients that, until closed, each send a 10 KiB echo
 * and an add pipelined together on their own connection, check both answers' content and order,
 * and go again. Latency (from sending the pair to each answer) goes into an HdrHistogram {@link
 * Recorder}, read one wave at a time; a failed connection or a wrong answer is counted, its message
 * kept, and the client connects again.
 *
 * <pre>{@code
 * try (LegitimateClients clients = LegitimateClients.start(port, 4)) {
 *     ... attack ...
 *     clients.awaitMoreAnswers(200, Duration.ofSeconds(30));
 *     LegitimateClients.Wave wave = clients.wave("1,000 promises held");  // printed, then asserted
 * }
 * }</pre>
 *
 * <p>The clients run on platform threads, so that a test JVM busy with attack connections on
 * virtual threads does not stall the measurement itself.
 */
final class LegitimateClients implements AutoCloseable {
    /** Length of every echoed text: answers of several TCP segments, not one small packet. */
    static final int ECHO_CHARS = 10 * 1024;
    /** Failure messages kept per wave; the count is always exact. */
    private static final int FAILURE_MESSAGES_KEPT = 20;
    /** After a failure, how long a client waits before it connects again, so a dead server is not hammered. */
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);

    /**
     * What the clients saw between two calls of {@link #wave}: answers checked and right, latency
     * percentiles in microseconds, failures (connections lost or refused, wrong answers) and the
     * first few failure messages.
     */
    record Wave(String name, long answers, long p50Micros, long p99Micros, long maxMicros, long failures,
                List<String> firstFailures) {
        @Override
        public String toString() {
            return String.format("%s: %,d answers, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failures%s", name, answers,
                    p50Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0, failures,
                    firstFailures.isEmpty() ? "" : " " + firstFailures);
        }
    }

    private final int port;
    private final Recorder recorder = new Recorder(3);
    private final AtomicLong answers = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failureMessages = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;
    private long answersAtWaveStart;
    private long failuresAtWaveStart;

    private LegitimateClients(int port) {
        this.port = port;
    }

    /** Starts {@code k} clients against 127.0.0.1:{@code port}; they run until {@link #close()}. */
    static LegitimateClients start(int port, int k) {
        LegitimateClients clients = new LegitimateClients(port);
        for (int i = 0; i < k; i++) {
            int index = i;
            clients.threads.add(Thread.ofPlatform().daemon().name("legitimate-client-" + i)
                    .start(() -> clients.run(index)));
        }
        return clients;
    }

    /** The echoed text of request {@code r} of client {@code c}: 10 KiB, different for every request. */
    static String text(int c, int r) {
        StringBuilder text = new StringBuilder(ECHO_CHARS).append("client ").append(c).append(" request ").append(r).append(' ');
        char fill = (char) ('a' + (c * 31 + r) % 26);
        while (text.length() < ECHO_CHARS) {
            text.append(fill);
        }
        return text.toString();
    }

    private void run(int c) {
        int r = 0;
        while (!stopped) {
            try (EchoConnection client = Clients.connect(port)) {
                while (!stopped) {
                    ClientMessage echoRequest = Messages.echo(text(c, r));
                    ClientMessage addRequest = Messages.add(c, r);
                    long start = System.nanoTime();
                    client.send(echoRequest);
                    client.send(addRequest);
                    ServerMessage echo = client.receive();
                    recorder.recordValue(micros(System.nanoTime() - start));
                    Conversation.assertAnswer(echoRequest, echo, "client " + c + " request " + r);
                    ServerMessage sum = client.receive();
                    recorder.recordValue(micros(System.nanoTime() - start));
                    Conversation.assertAnswer(addRequest, sum, "client " + c + " request " + r);
                    answers.addAndGet(2);
                    r++;
                }
            } catch (IOException | AssertionError | RuntimeException e) {
                if (stopped) {
                    return;
                }
                failures.incrementAndGet();
                if (failureMessages.size() < FAILURE_MESSAGES_KEPT) {
                    failureMessages.add("client " + c + ": " + e);
                }
                LockSupport.parkNanos(RECONNECT_PAUSE.toNanos()); // a pause before reconnecting, not synchronization
            }
        }
    }

    private static long micros(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    /** Right answers so far, every wave included. */
    long answers() {
        return answers.get();
    }

    /** Failures so far, every wave included. */
    long failures() {
        return failures.get();
    }

    /**
     * Waits until the clients have had {@code more} right answers beyond those counted now; fails
     * after {@code deadline} saying how many came and what failed.
     */
    void awaitMoreAnswers(long more, Duration deadline) {
        long target = answers.get() + more;
        Await.until(more + " more right answers to the legitimate clients", deadline, () -> answers.get() >= target,
                () -> (answers.get() - target + more) + " came; " + failures.get() + " failures, first: "
                        + failureMessages.stream().limit(5).toList());
    }

    /** What happened since the previous wave (or the start), printed to stderr as one line. */
    synchronized Wave wave(String name) {
        Histogram latency = recorder.getIntervalHistogram();
        long answered = answers.get();
        long failed = failures.get();
        List<String> messages = new ArrayList<>();
        for (String message; messages.size() < 5 && (message = failureMessages.poll()) != null; ) {
            messages.add(message);
        }
        failureMessages.clear(); // each wave reports its own failures
        Wave wave = new Wave(name, answered - answersAtWaveStart, latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), latency.getMaxValue(), failed - failuresAtWaveStart,
                List.copyOf(messages));
        answersAtWaveStart = answered;
        failuresAtWaveStart = failed;
        System.err.println("echo-it: legitimate clients, " + wave);
        return wave;
    }

    /** Stops the clients and waits (at most 30 s) for their threads, which end within their read timeout. */
    @Override
    public void close() {
        stopped = true;
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    throw new AssertionError("expected the legitimate client " + thread.getName() + " to stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the legitimate clients", e);
            }
        }
    }
}
