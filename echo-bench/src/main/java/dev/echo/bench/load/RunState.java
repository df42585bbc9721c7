package dev.echo.bench.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** What the connections of one run share: counters, the latency recorder and the stop flag. */
final class RunState {
    /** What the connections count, each on its own adder (written by every connection at once). */
    enum Count { SENT, ANSWERED, MISMATCHES, ERROR_ANSWERS, CONNECTION_ERRORS }

    private final LongAdder[] counts = new LongAdder[Count.values().length];
    final AtomicInteger connectAttemptsDone = new AtomicInteger();
    final AtomicInteger connectionsOpened = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    /** Latency in nanoseconds, from the send (closed loop) or the intended send time (--rate). */
    final Recorder latencyNanos = new Recorder(3);
    final AtomicReference<String> firstProblem = new AtomicReference<>();
    volatile boolean stopping;

    RunState() {
        for (Count count : Count.values()) {
            counts[count.ordinal()] = new LongAdder();
        }
    }

    void increment(Count count) {
        counts[count.ordinal()].increment();
    }

    long sum(Count count) {
        return counts[count.ordinal()].sum();
    }

    void problem(String description) {
        firstProblem.compareAndSet(null, description);
    }

    /** Connection {@code id}'s answers in flight were abandoned at a stop the user asked for: not its failure. */
    void abandonedAtStop(int id) {
        problem("connection " + id + ": answers in flight abandoned at the stop");
    }

    /** Connection {@code id}'s connect was cut short by a stop the user asked for: not a connection error. */
    void connectAbandonedAtStop(int id) {
        problem("connection " + id + ": connect abandoned at the stop");
    }

    long errors() {
        return sum(Count.ERROR_ANSWERS) + sum(Count.CONNECTION_ERRORS);
    }
}
