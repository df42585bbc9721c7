package dev.echo.server;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Which threads run the connections: one virtual thread per connection (the default), or a bounded
 * pool of platform threads (the original design, kept so that benchmarks can compare). With a pool
 * of N threads, at most N connections are served at once; the others wait in the pool's queue.
 * Each mode yields the executor a server runs its connections on; a connection names the thread
 * that serves it {@code echo-conn-PORT-ID} while it does.
 */
public sealed interface ThreadMode permits ThreadMode.Virtual, ThreadMode.Platform {

    /** Pool size of {@code platform} written without a count. */
    int DEFAULT_PLATFORM_THREADS = 200;

    /**
     * Largest pool: each platform thread takes two memory mappings (its stack and a guard page), and
     * Linux's default {@code vm.max_map_count} of 65,530 ends thread creation near this count with an
     * OutOfMemoryError; a larger number would be accepted at the start and fail under load.
     */
    int MAX_PLATFORM_THREADS = 32_768;

    /** The forms {@link #parse} reads, for messages. */
    String FORMS = "virtual, platform or platform:N with N from 1 to " + MAX_PLATFORM_THREADS;

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
        /** @throws IllegalArgumentException if {@code threads} is not from 1 to {@value #MAX_PLATFORM_THREADS} */
        public Platform {
            if (threads < 1 || threads > MAX_PLATFORM_THREADS) {
                throw new IllegalArgumentException("platformThreads must be from 1 to " + MAX_PLATFORM_THREADS + ": "
                        + threads);
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
     * @throws IllegalArgumentException if {@code threads} is not from 1 to {@value #MAX_PLATFORM_THREADS}
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
            if (threads >= 1 && threads <= MAX_PLATFORM_THREADS) {
                return platform(threads);
            }
        }
        throw new IllegalArgumentException("unknown thread mode '" + text + "': expected " + FORMS);
    }
}
