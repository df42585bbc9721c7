package dev.echo.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The fixed pool of {@link ThreadMode.Platform}: threads named {@code echo-worker-PORT-N}, a thread
 * idle for 30 seconds ends. Its {@link #awaitTermination} also waits for the threads themselves to
 * have ended: the pool terminates when its last worker has left its list, while the threads are
 * still unwinding, and a closed server must leave no thread behind.
 */
final class PlatformPool extends ThreadPoolExecutor {
    /** Every thread made, less those found ended; only what the pool's own list forgets too early. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    PlatformPool(int size, int port) {
        super(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        ThreadFactory named = Thread.ofPlatform().daemon(true).name("echo-worker-" + port + "-", 1).factory();
        setThreadFactory(task -> {
            threads.removeIf(thread -> thread.getState() == Thread.State.TERMINATED);
            Thread thread = named.newThread(task);
            threads.add(thread);
            return thread;
        });
        allowCoreThreadTimeOut(true);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + unit.toNanos(timeout);
        if (!super.awaitTermination(timeout, unit)) {
            return false;
        }
        for (Thread thread : threads) {
            long remaining = deadlineNanos - System.nanoTime();
            if (thread.getState() != Thread.State.NEW && (remaining <= 0 || !thread.join(Duration.ofNanos(remaining)))) {
                return false;
            }
        }
        return true;
    }
}
