package dev.echo.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket for retries, per client (as gRPC's retry throttling and Finagle's RetryBudget): it
 * starts full at {@link ClientConfig#retryBudget()} retries; each retry takes one, each answer gives
 * back a tenth. A sick server thus gets a burst of retries and then at most one for every ten answers,
 * instead of every failure doubling its load. A request's first resend after a lost connection takes
 * no token ({@code Dispatcher.retry}): that resend is at most one per request.
 */
final class RetryBudget {
    /** Tenths of a retry: an answer deposits one, a retry withdraws {@value}. */
    private static final long RETRY_COST = 10;

    private final long capacity;
    private final AtomicLong tenths;

    RetryBudget(int retries) {
        this.capacity = retries * RETRY_COST;
        this.tenths = new AtomicLong(capacity);
    }

    /** An answer came: a tenth of a retry back, up to the capacity. */
    void deposit() {
        if (tenths.get() < capacity) { // mostly full: no write at all on the common path
            tenths.getAndUpdate(t -> Math.min(capacity, t + 1));
        }
    }

    /** Takes one retry; false if the budget is spent. */
    boolean tryWithdraw() {
        while (true) {
            long t = tenths.get();
            if (t < RETRY_COST) {
                return false;
            }
            if (tenths.compareAndSet(t, t - RETRY_COST)) {
                return true;
            }
        }
    }
}
