package dev.echo.bench.load;

import dev.echo.bench.load.RunState.Count;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The measured part of a run: where it began and ended, the answers inside it, and the latencies of
 * its requests, taken from the shared recorder one interval at a time. Latencies before
 * {@link #open} (the warmup) are dropped; answers drained after {@link #close} still add their latency
 * but not to the throughput.
 */
final class MeasuredWindow {
    private static final double SECOND = TimeUnit.SECONDS.toNanos(1);

    private final RunState state;
    private final Consumer<Histogram> intervals;
    private final Histogram measured = new Histogram(3);
    private Histogram interval;
    private boolean open;
    private long openedAt;
    private long answeredAtOpen;
    private long measuredResponses;
    private double measuredSeconds;

    /** @param intervals gets each measured interval histogram as it is taken (and must not keep it) */
    MeasuredWindow(RunState state, Consumer<Histogram> intervals) {
        this.state = state;
        this.intervals = intervals;
    }

    /** Starts measuring at {@code now}; what was recorded before is dropped. */
    void open(long now) {
        interval = state.latencyNanos.getIntervalHistogram(interval);
        open = true;
        openedAt = now;
        answeredAtOpen = state.sum(Count.ANSWERED);
    }

    boolean isOpen() {
        return open;
    }

    /** Takes the latencies recorded since the last take; returns them (valid until the next take). */
    Histogram take() {
        interval = state.latencyNanos.getIntervalHistogram(interval);
        if (open) {
            measured.add(interval);
            intervals.accept(interval);
        }
        return interval;
    }

    /** Ends the window at {@code stop}: the throughput counts the answers until now. */
    void close(long stop) {
        if (open) {
            measuredResponses = state.sum(Count.ANSWERED) - answeredAtOpen;
            measuredSeconds = (stop - openedAt) / SECOND;
        }
    }

    /** What was measured, once every connection has stopped (the answers drained after the stop included). */
    LoadResult result(LoadConfig config) {
        if (open) {
            take();
        }
        return new LoadResult(config, measuredSeconds, state.sum(Count.SENT), state.sum(Count.ANSWERED), measuredResponses,
                state.sum(Count.MISMATCHES), state.sum(Count.ERROR_ANSWERS), state.sum(Count.CONNECTION_ERRORS),
                state.connectionsOpened.get(), measured, state.firstProblem.get());
    }
}
