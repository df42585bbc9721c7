package dev.echo.it;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.RequestTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Library clients calling through one address at a fixed rate in all, each caller on its own virtual
 * thread with its own schedule (open loop: a late call does not move the next one). Every answer is
 * checked; a latency is counted from the moment the call was due, so waiting behind a slow call
 * counts (no coordinated omission). {@link #interval()} cuts the latencies into phases.
 */
final class FleetLoad implements AutoCloseable {
    private final ClientConfig config;
    private final Duration period;
    private final List<EchoClient> clients = new ArrayList<>();
    private final List<Thread> callers = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Recorder latencies = new Recorder(3);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> wrongAnswers = new ConcurrentLinkedQueue<>();
    private final AtomicLong failedBeforeDeadline = new AtomicLong();

    /**
     * @param config every client's configuration (its address: HAProxy's frontend)
     * @param period each caller's interval between calls: callers / period is the rate in all
     */
    FleetLoad(ClientConfig config, Duration period) {
        this.config = config;
        this.period = period;
    }

    /**
     * Connects {@code clients} more clients with {@code callersEach} callers each, and starts them; if
     * one cannot connect, stops everything started so far (the caller gets no load to close) and throws.
     */
    FleetLoad add(int clients, int callersEach) {
        try {
            start(clients, callersEach);
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void start(int clients, int callersEach) {
        for (int c = 0; c < clients; c++) {
            EchoClient client = EchoClient.connect(config);
            int index;
            synchronized (this) {
                this.clients.add(client);
                index = this.clients.size() - 1;
            }
            for (int t = 0; t < callersEach; t++) {
                String name = "c" + index + "t" + t;
                Thread caller = Thread.ofVirtual().name("fleet-caller-" + name).start(() -> call(client, name));
                synchronized (this) {
                    callers.add(caller);
                }
            }
        }
    }

    private void call(EchoClient client, String name) {
        long periodNanos = period.toNanos();
        long due = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
        long i = 0;
        while (!stop.get()) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing to the schedule, not synchronisation
                continue;
            }
            try {
                if (i % 2 == 0) {
                    String text = name + ":" + i;
                    String echo = client.echo(text);
                    if (!echo.equals(text)) {
                        wrongAnswers.add("echo of " + text + " answered " + echo);
                    }
                } else {
                    int a = (int) (i % 100_000);
                    int sum = client.add(a, 7);
                    if (sum != a + 7) {
                        wrongAnswers.add("add(" + a + ", 7) answered " + sum);
                    }
                }
                answered.incrementAndGet();
            } catch (RuntimeException e) { // EchoClientException, or a bug: counted either way, the caller goes on
                failed.incrementAndGet();
                if (!(e instanceof RequestTimeoutException)) {
                    failedBeforeDeadline.incrementAndGet();
                }
                if (failures.size() < 1_000) {
                    failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            latencies.recordValue(Math.max(0, System.nanoTime() - due) / 1_000);
            due += periodNanos;
            i++;
        }
    }

    /** Latencies in microseconds since the last call (or the start), and a new interval begins. */
    Histogram interval() {
        return latencies.getIntervalHistogram();
    }

    long answered() {
        return answered.get();
    }

    long failed() {
        return failed.get();
    }

    /** Failed calls other than {@link RequestTimeoutException}s: failures before the deadline. */
    long failedBeforeDeadline() {
        return failedBeforeDeadline.get();
    }

    /** Up to 1,000 failures, as "Exception: message". */
    List<String> failures() {
        return List.copyOf(failures);
    }

    List<String> wrongAnswers() {
        return List.copyOf(wrongAnswers);
    }

    synchronized String stats() {
        long reconnects = 0;
        long retried = 0;
        for (EchoClient client : clients) {
            reconnects += client.stats().reconnects();
            retried += client.stats().retried();
        }
        return clients.size() + " clients, " + callers.size() + " callers: " + answered + " answered, " + failed
                + " failed, " + retried + " retried, " + reconnects + " reconnects";
    }

    /** Stops the callers (each finishes its call) and closes the clients. */
    @Override
    public void close() {
        stop.set(true);
        List<Thread> all;
        synchronized (this) {
            all = List.copyOf(callers);
        }
        for (Thread caller : all) {
            try {
                if (!caller.join(config.requestTimeout().plusSeconds(30))) {
                    throw new AssertionError("caller " + caller.getName() + " did not end: " + stats());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the callers", e);
            }
        }
        synchronized (this) {
            clients.forEach(EchoClient::close);
        }
    }
}
