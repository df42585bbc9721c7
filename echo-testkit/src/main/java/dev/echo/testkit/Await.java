package dev.echo.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the one way tests wait for state. */
public final class Await {
    /** How often a condition is checked unless told otherwise: cheap conditions, such as counters. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private Await() {}

    /** Returns once {@code condition} holds; fails after {@code deadline} saying what was {@code expected}. */
    public static void until(String expected, Duration deadline, BooleanSupplier condition) {
        until(expected, deadline, POLL_INTERVAL, condition, null);
    }

    /**
     * Returns once {@code condition} holds; fails after {@code deadline} with {@code expected} and the
     * {@code observed} state at that moment.
     */
    public static void until(String expected, Duration deadline, BooleanSupplier condition, Supplier<String> observed) {
        until(expected, deadline, POLL_INTERVAL, condition, observed);
    }

    /**
     * As {@link #until(String, Duration, BooleanSupplier, Supplier)}, checking every {@code interval}:
     * for a condition that costs something to check, such as a new connection.
     *
     * @throws AssertionError after {@code deadline}, or when the waiting thread is interrupted
     */
    public static void until(String expected, Duration deadline, Duration interval, BooleanSupplier condition,
                             Supplier<String> observed) {
        if (!holdsWithin(deadline, interval, condition)) {
            throw new AssertionError("expected " + expected + " within " + deadline
                    + (observed == null ? "" : ", but " + observed.get()));
        }
    }

    /**
     * True once {@code condition} holds, checked every {@code interval}; false when it still does not
     * after {@code deadline}: for callers that fail in their own terms.
     *
     * @throws AssertionError when the waiting thread is interrupted (its interrupt status is kept)
     */
    public static boolean holdsWithin(Duration deadline, Duration interval, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            try {
                Thread.sleep(interval); // polling interval, not synchronization: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
        return true;
    }
}
