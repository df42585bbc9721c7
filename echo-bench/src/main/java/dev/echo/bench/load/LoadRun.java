package dev.echo.bench.load;

import dev.echo.bench.load.RunState.Count;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
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
    private final Consumer<Histogram> measuredIntervals;
    private final WindowEdges windowEdges;
    private volatile boolean stopRequested;
    private volatile Thread clock;
    private volatile Drivers drivers;

    /**
     * @param progress where progress lines go each second (ignored unless {@link LoadConfig#progress()})
     */
    public LoadRun(LoadConfig config, PrintStream progress) {
        this(config, progress, interval -> { });
    }

    /**
     * @param progress where progress lines go each second (ignored unless {@link LoadConfig#progress()})
     * @param measuredIntervals gets each second's histogram of the measured window (latencies in
     *     nanoseconds, start and end time stamps set) on the clock's thread; it must not keep it
     */
    public LoadRun(LoadConfig config, PrintStream progress, Consumer<Histogram> measuredIntervals) {
        this(config, progress, measuredIntervals, WindowEdges.NONE);
    }

    /**
     * @param progress where progress lines go each second (ignored unless {@link LoadConfig#progress()})
     * @param measuredIntervals as above
     * @param windowEdges told when the measured window opens and closes (not called when it never opens)
     */
    public LoadRun(LoadConfig config, PrintStream progress, Consumer<Histogram> measuredIntervals,
                   WindowEdges windowEdges) {
        this.config = config;
        this.progress = progress;
        this.measuredIntervals = measuredIntervals;
        this.windowEdges = windowEdges;
    }

    /**
     * Ends the run early (e.g. on Ctrl-C): the measured window closes now, answers in flight are
     * still awaited (for at most a second) and checked, and {@link #run()} returns the result so far.
     * Connects under way are abandoned (the shared client's of {@code --client library} at once, the
     * others' after that second). Any thread may call it.
     */
    public void requestStop() {
        stopRequested = true;
        Drivers d = drivers;
        if (d != null) {
            d.abandonSharedConnect();
        }
        LockSupport.unpark(clock);
    }

    /** Runs to the end (or to {@link #requestStop()}) and returns what was measured. */
    public LoadResult run() throws InterruptedException {
        clock = Thread.currentThread();
        RunState state = new RunState();
        Drivers drivers = new Drivers(config, state);
        this.drivers = drivers;
        MeasuredWindow window = new MeasuredWindow(state, measuredIntervals);
        ProgressLine line = new ProgressLine(state);
        runClock(state, drivers, window, line);
        window.close(System.nanoTime());
        if (window.isOpen()) {
            windowEdges.closed();
        }
        state.stopping = true;
        drivers.awaitStopped(stopRequested);
        return window.result(config);
    }

    /** The clock's loop: phase changes, a tick each second, until the measured window or the connections end. */
    private void runClock(RunState state, Drivers drivers, MeasuredWindow window, ProgressLine line)
            throws InterruptedException {
        long start = System.nanoTime();
        long nextTick = start + SECOND;
        long phaseEnd = Long.MAX_VALUE; // the end of the warmup, then of the measured window
        Phase phase = Phase.CONNECTING;
        while (!stopRequested) {
            long now = System.nanoTime();
            if (phase == Phase.CONNECTING && drivers.openDue(start, now)) {
                phase = Phase.WARMUP;
                phaseEnd = now + config.warmup().toNanos();
            }
            if (phase != Phase.CONNECTING && state.open.get() == 0) {
                return; // nothing left to measure: every connection failed or closed
            }
            if (phase == Phase.WARMUP && now >= phaseEnd) {
                window.open(now);
                windowEdges.opened();
                phase = Phase.MEASURING;
                phaseEnd = now + config.duration().toNanos();
            }
            if (phase == Phase.MEASURING && now >= phaseEnd) {
                return;
            }
            if (now >= nextTick) {
                tick(drivers, window, line, phase, now, (now - start) / SECOND);
                // When the clock fell behind (a stalled machine): skip the missed ticks, do not burst.
                nextTick = nextTick + SECOND <= now ? now + SECOND : nextTick + SECOND;
            }
            long wake = Math.min(nextTick, phase == Phase.CONNECTING ? now + SECOND / 200 : phaseEnd);
            LockSupport.parkNanos(Math.max(0, wake - System.nanoTime()));
            if (Thread.interrupted()) {
                state.stopping = true;
                throw new InterruptedException("load run interrupted");
            }
        }
    }

    /** Once a second: the watchdog, the interval's latencies, the progress line. */
    private void tick(Drivers drivers, MeasuredWindow window, ProgressLine line, Phase phase, long now, long second) {
        drivers.abortStuck(now);
        Histogram interval = window.take();
        String text = line.next(phase.label, second, now, interval);
        if (config.progress()) {
            progress.println(text);
        }
    }

    private enum Phase {
        CONNECTING("connecting"), WARMUP("warmup"), MEASURING("measuring");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /** The per-second progress line: the answers per second since the last line, p99, failures so far. */
    private static final class ProgressLine {
        private final RunState state;
        private long lastAnswered;
        private long lastTick = System.nanoTime();

        ProgressLine(RunState state) {
            this.state = state;
        }

        String next(String phase, long second, long now, Histogram interval) {
            long answered = state.sum(Count.ANSWERED);
            double rps = (answered - lastAnswered) * (double) SECOND / Math.max(1, now - lastTick);
            lastAnswered = answered;
            lastTick = now;
            double p99 = interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0;
            return String.format(Locale.ROOT,
                    "[%4ds] %-10s %9.0f req/s  p99 %8.1f us  mismatches %d  errors %d  open %d",
                    second, phase, rps, p99, state.sum(Count.MISMATCHES), state.errors(), state.open.get());
        }
    }
}
