package dev.echo.server;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A scrape made by one caller at a time and shared by the callers that waited for it. A scrape costs
 * milliseconds of CPU (every meter formatted); made by every scraper at once, a few clients looping
 * over {@code /metrics} kept both cores of a 2-core server busy and echo answers waited seconds. Here
 * at most one is made at any moment, and a caller gets a scrape that began after its call did, so
 * what it reads is never older than its request.
 */
final class CoalescedScrape implements Supplier<String> {
    private final Supplier<String> scrape;
    private final ReentrantLock lock = new ReentrantLock();
    /** Scrapes begun; written under the lock. */
    private volatile long begun;
    /** The last scrape made, and which one it was (by {@link #begun}); under the lock. */
    private String last;
    private long lastNumber;

    CoalescedScrape(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    @Override
    public String get() {
        long begunAtArrival = begun;
        lock.lock();
        try {
            if (lastNumber > begunAtArrival) {
                return last; // begun after this call came, made while it waited: fresh enough
            }
            long number = ++begun;
            last = scrape.get();
            lastNumber = number;
            return last;
        } finally {
            lock.unlock();
        }
    }

    /** Callers waiting for the scrape being made, for tests. */
    int waiting() {
        return lock.getQueueLength();
    }
}
