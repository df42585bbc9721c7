package dev.echo.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the thread that serves a connection, per {@link ThreadMode}: a new virtual thread named
 * {@code echo-conn-ID}, or a task on a fixed pool of platform threads ({@code echo-worker-PORT-N},
 * renamed {@code echo-conn-ID} while they serve a connection).
 */
abstract class ConnectionThreads {

    static ConnectionThreads create(ThreadMode mode, int port) {
        return mode.kind() == ThreadMode.Kind.VIRTUAL ? new Virtual() : new PlatformPool(mode.platformThreads(), port);
    }

    /** Runs {@code connection} on its own thread or queues it for the pool. */
    abstract void start(ConnectionHandler connection);

    /** Stops taking connections and waits until {@code deadlineNanos} for the threads to end. */
    abstract void shutdown(long deadlineNanos) throws InterruptedException;

    /** Threads of this server that may still be alive (pool workers; virtual threads are in the registry). */
    abstract List<Thread> threads();

    private static final class Virtual extends ConnectionThreads {
        @Override
        void start(ConnectionHandler connection) {
            Thread.ofVirtual().name("echo-conn-" + connection.id).start(connection);
        }

        @Override
        void shutdown(long deadlineNanos) {
            // Nothing to stop: each virtual thread ends with its connection.
        }

        @Override
        List<Thread> threads() {
            return List.of();
        }
    }

    private static final class PlatformPool extends ConnectionThreads {
        /** Every worker made, less those found dead; the pool's own list forgets a worker before it has ended. */
        private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
        private final ThreadPoolExecutor pool;

        PlatformPool(int threads, int port) {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = task -> {
                workers.removeIf(worker -> !worker.isAlive() && worker.getState() != Thread.State.NEW);
                Thread worker = Thread.ofPlatform().daemon(true)
                        .name("echo-worker-" + port + "-" + count.incrementAndGet())
                        .unstarted(task);
                workers.add(worker);
                return worker;
            };
            pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
            pool.allowCoreThreadTimeOut(true);
        }

        @Override
        void start(ConnectionHandler connection) {
            pool.execute(connection);
        }

        /** Returns once every worker thread has ended (not just left the pool), or at the deadline. */
        @Override
        void shutdown(long deadlineNanos) throws InterruptedException {
            pool.shutdown();
            pool.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (Thread worker : new ArrayList<>(workers)) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                if (worker.getState() != Thread.State.NEW) {
                    worker.join(Duration.ofNanos(remaining));
                }
            }
            workers.removeIf(worker -> !worker.isAlive());
        }

        @Override
        List<Thread> threads() {
            return workers.stream().filter(Thread::isAlive).toList();
        }
    }
}
