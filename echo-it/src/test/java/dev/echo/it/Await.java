package dev.echo.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the only way tests here wait for state. */
final class Await {
    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

    private Await() {}

    /**
     * Returns once {@code condition} holds; fails after {@code deadline} with {@code expected} and the
     * {@code observed} state at that moment.
     */
    static void until(String expected, Duration deadline, BooleanSupplier condition, Supplier<String> observed) {
        until(expected, deadline, Duration.ofNanos(POLL_NANOS), condition, observed);
    }

    /**
     * As {@link #until(String, Duration, BooleanSupplier, Supplier)}, checking every {@code interval}:
     * for a condition that costs something to check, such as a new connection.
     */
    static void until(String expected, Duration deadline, Duration interval, BooleanSupplier condition,
                      Supplier<String> observed) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("expected " + expected + " within " + deadline + ", but " + observed.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(interval.toNanos()); // polling interval, not synchronization
        }
    }
}
