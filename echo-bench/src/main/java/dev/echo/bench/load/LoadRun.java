package dev.echo.bench.load;

import dev.echo.client.ClientConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one load test: opens the connections (each on its own virtual thread, at the connect rate),
 * warms up, measures, then stops sending and waits for every answer in flight. The calling thread
 * keeps the clock and prints a progress line each second.
 */
public final class LoadRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final LoadConfig config;
    private final PrintStream progress;
    private volatile boolean stopRequested;

    /**
     * @param progress where progress lines go each second (ignored unless {@link LoadConfig#progress()})
     */
    public LoadRun(LoadConfig config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /**
     * Ends the run early (e.g. on Ctrl-C): the measured window closes now, answers in flight are
     * still awaited and checked, and {@link #run()} returns the result so far. Any thread may call it.
     */
    public void requestStop() {
        stopRequested = true;
        LockSupport.unpark(clock);
    }

    private volatile Thread clock;

    /** Runs to the end and returns what was measured. */
    public LoadResult run() throws InterruptedException {
        clock = Thread.currentThread();
        RunState state = new RunState();
        // No socket read timeout: the clock's watchdog closes overdue connections (see ConnectionDriver).
        ClientConfig clientConfig = ClientConfig.builder().host(config.host()).port(config.port())
                .framing(config.framing()).connectTimeout(config.timeout()).readTimeout(Duration.ZERO).build();
        ThreadFactory threads = Thread.ofVirtual().name("echo-load-", 0).factory();
        List<Thread> drivers = new ArrayList<>(config.connections());
        List<ConnectionDriver> connections = new ArrayList<>(config.connections());
        long timeoutNanos = config.timeout().toNanos();
        Histogram measured = new Histogram(3);
        Histogram interval = null;

        long start = System.nanoTime();
        long nextTick = start + SECOND;
        long warmupEnd = Long.MAX_VALUE;
        long measureStart = 0;
        long measureEnd = Long.MAX_VALUE;
        long answeredAtStart = 0;
        long answeredAtLastTick = 0;
        long lastTick = start;
        Phase phase = Phase.CONNECTING;
        while (true) {
            long now = System.nanoTime();
            if (phase == Phase.CONNECTING) {
                while (drivers.size() < config.connections() && (config.connectRate() == 0
                        || start + (long) (drivers.size() * SECOND / config.connectRate()) <= now)) {
                    ConnectionDriver connection = new ConnectionDriver(drivers.size(), config, clientConfig, state);
                    Thread driver = threads.newThread(connection);
                    connections.add(connection);
                    drivers.add(driver);
                    driver.start();
                }
                if (state.connectAttemptsDone.get() == config.connections()) {
                    phase = Phase.WARMUP;
                    warmupEnd = now + config.warmup().toNanos();
                }
            }
            if (phase != Phase.CONNECTING && state.open.get() == 0) {
                break; // nothing left to measure: every connection failed or closed
            }
            if (phase == Phase.WARMUP && now >= warmupEnd) {
                interval = state.latencyNanos.getIntervalHistogram(interval); // warmup latencies: dropped
                phase = Phase.MEASURING;
                measureStart = now;
                measureEnd = now + config.duration().toNanos();
                answeredAtStart = state.answered.sum();
            }
            if ((phase == Phase.MEASURING && now >= measureEnd) || stopRequested) {
                break;
            }
            if (now >= nextTick) {
                for (ConnectionDriver connection : connections) {
                    connection.abortIfStuck(now, timeoutNanos);
                }
                interval = state.latencyNanos.getIntervalHistogram(interval);
                if (phase == Phase.MEASURING) {
                    measured.add(interval);
                }
                long answered = state.answered.sum();
                if (config.progress()) {
                    progress.println(progressLine(phase, (now - start) / SECOND,
                            (answered - answeredAtLastTick) * (double) SECOND / (now - lastTick), interval, state));
                }
                answeredAtLastTick = answered;
                lastTick = now;
                nextTick += SECOND;
                if (nextTick <= now) {
                    nextTick = now + SECOND; // the clock fell behind (a stalled machine): skip, do not burst
                }
            }
            long wake = Math.min(nextTick, phase == Phase.WARMUP ? warmupEnd : measureEnd);
            if (phase == Phase.CONNECTING) {
                wake = Math.min(wake, now + TimeUnit.MILLISECONDS.toNanos(5));
            }
            LockSupport.parkNanos(Math.max(0, wake - System.nanoTime()));
            if (Thread.interrupted()) {
                state.stopping = true;
                throw new InterruptedException("load run interrupted");
            }
        }
        long stop = System.nanoTime();
        long measuredResponses = phase == Phase.MEASURING ? state.answered.sum() - answeredAtStart : 0;
        double measuredSeconds = phase == Phase.MEASURING ? (stop - measureStart) / (double) SECOND : 0;
        state.stopping = true;
        // Wait for the answers in flight; a connection still waiting after the timeout is closed.
        long joinDeadline = System.nanoTime() + timeoutNanos + SECOND;
        waiting:
        for (int i = 0; i < drivers.size(); i++) {
            while (!drivers.get(i).join(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                if (now >= joinDeadline + 5 * SECOND) {
                    state.problem("connection " + i + " did not stop after its socket was closed");
                    break waiting;
                }
                if (now >= joinDeadline) {
                    connections.get(i).abort();
                } else {
                    connections.get(i).abortIfStuck(now, timeoutNanos);
                }
            }
        }
        if (phase == Phase.MEASURING) {
            measured.add(state.latencyNanos.getIntervalHistogram(interval)); // answers drained after the stop
        }
        return new LoadResult(config, measuredSeconds, state.sent.sum(), state.answered.sum(), measuredResponses,
                state.mismatches.sum(), state.errorAnswers.sum(), state.connectionErrors.sum(),
                state.connectionsOpened.get(), measured, state.firstProblem.get());
    }

    private static String progressLine(Phase phase, long second, double rps, Histogram interval, RunState state) {
        double p99 = interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0;
        return String.format(Locale.ROOT, "[%4ds] %-10s %9.0f req/s  p99 %8.1f us  mismatches %d  errors %d  open %d",
                second, phase.label, rps, p99, state.mismatches.sum(), state.errors(), state.open.get());
    }

    private enum Phase {
        CONNECTING("connecting"), WARMUP("warmup"), MEASURING("measuring");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }
}
