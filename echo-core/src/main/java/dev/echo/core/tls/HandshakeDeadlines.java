package dev.echo.core.tls;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread that ends client handshakes at their deadline, started on first use. A
 * daemon, so it never keeps a JVM alive; cancelled deadlines leave its queue at once.
 */
final class HandshakeDeadlines {
    private HandshakeDeadlines() {}

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "echo-tls-handshake-deadlines");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    /** Runs {@code action} after {@code delay} unless the returned future is cancelled first. */
    static ScheduledFuture<?> schedule(Duration delay, Runnable action) {
        return Holder.TIMER.schedule(action, Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS);
    }
}
