package dev.echo.bench.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** What the connections of one run share: counters, the latency recorder and the stop flag. */
final class RunState {
    final LongAdder sent = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder mismatches = new LongAdder();
    final LongAdder errorAnswers = new LongAdder();
    final LongAdder connectionErrors = new LongAdder();
    final AtomicInteger connectAttemptsDone = new AtomicInteger();
    final AtomicInteger connectionsOpened = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    /** Latency in nanoseconds, from the send (closed loop) or the intended send time (--rate). */
    final Recorder latencyNanos = new Recorder(3);
    final AtomicReference<String> firstProblem = new AtomicReference<>();
    volatile boolean stopping;

    void problem(String description) {
        firstProblem.compareAndSet(null, description);
    }

    long errors() {
        return errorAnswers.sum() + connectionErrors.sum();
    }
}
