package dev.echo.server;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Which threads run the connections: one virtual thread per connection (the default), or a bounded
 * pool of platform threads (the original design, kept so that benchmarks can compare). With a pool
 * of N threads, at most N connections are served at once; the others wait in the pool's queue.
 * Each mode yields the executor a server runs its connections on; a connection names the thread
 * that serves it {@code echo-conn-ID} while it does.
 */
public sealed interface ThreadMode permits ThreadMode.Virtual, ThreadMode.Platform {

    /** Pool size of {@code platform} written without a count. */
    int DEFAULT_PLATFORM_THREADS = 200;

    /**
     * A new executor for the connections of the server listening on {@code port}; shutting it down
     * and awaiting its termination waits for every connection thread.
     */
    ExecutorService newExecutor(int port);

    /** A virtual thread per connection. */
    record Virtual() implements ThreadMode {
        @Override
        public ExecutorService newExecutor(int port) {
            return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
        }

        /** The command-line form, {@code virtual}. */
        @Override
        public String toString() {
            return "virtual";
        }
    }

    /**
     * A fixed pool of platform threads, named {@code echo-worker-PORT-N} while idle; a thread idle
     * for 30 seconds ends, and a new one is made when needed.
     *
     * @param threads the pool size, 1 or more
     */
    record Platform(int threads) implements ThreadMode {
        /** @throws IllegalArgumentException if {@code threads} is less than 1 */
        public Platform {
            if (threads < 1) {
                throw new IllegalArgumentException("platformThreads must be at least 1: " + threads);
            }
        }

        @Override
        public ExecutorService newExecutor(int port) {
            return new PlatformPool(threads, port);
        }

        /** The command-line form, {@code platform:N}. */
        @Override
        public String toString() {
            return "platform:" + threads;
        }
    }

    /** A virtual thread per connection. */
    static ThreadMode virtual() {
        return new Virtual();
    }

    /**
     * A pool of {@code threads} platform threads.
     *
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    static ThreadMode platform(int threads) {
        return new Platform(threads);
    }

    /**
     * Parses {@code virtual}, {@code platform} (a pool of {@value #DEFAULT_PLATFORM_THREADS}) or
     * {@code platform:N}, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad text and the valid forms
     */
    static ThreadMode parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("virtual")) {
            return virtual();
        }
        if (t.equals("platform")) {
            return platform(DEFAULT_PLATFORM_THREADS);
        }
        if (t.matches("platform:\\d{1,9}")) {
            int threads = Integer.parseInt(t.substring("platform:".length()));
            if (threads >= 1) {
                return platform(threads);
            }
        }
        throw new IllegalArgumentException(
                "unknown thread mode '" + text + "': expected virtual, platform or platform:N with N >= 1");
    }
}
