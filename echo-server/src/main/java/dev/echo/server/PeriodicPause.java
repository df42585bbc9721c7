package dev.echo.server;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wait between two rounds of a server's periodic thread (the idle sweeper, the TLS file
 * watcher), which {@link #stop()} cuts short: a stopped server's thread ends at once, not a period
 * later. Thread-safe.
 */
final class PeriodicPause {
    private final long periodNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopRequested = lock.newCondition();
    private boolean stopped;

    PeriodicPause(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /** Waits one period; false once stopped (at once if stopped already). */
    boolean awaitNext() throws InterruptedException {
        lock.lock();
        try {
            long remaining = periodNanos;
            while (!stopped && remaining > 0) {
                remaining = stopRequested.awaitNanos(remaining);
            }
            return !stopped;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the wait under way and every later one. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            stopRequested.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long periodNanos() {
        return periodNanos;
    }
}
