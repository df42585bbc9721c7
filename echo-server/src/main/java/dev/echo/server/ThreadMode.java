package dev.echo.server;

import java.util.Locale;
import java.util.Objects;

/**
 * Which threads run the connections: one virtual thread per connection (the default), or a bounded
 * pool of platform threads (the original design, kept so that benchmarks can compare). With a pool
 * of N threads, at most N connections are served at once; the others wait in the pool's queue.
 *
 * @param kind virtual or platform
 * @param platformThreads the pool size, 1 or more, for {@link Kind#PLATFORM}; 0 for {@link Kind#VIRTUAL}
 */
public record ThreadMode(Kind kind, int platformThreads) {

    /** Pool size of {@code platform} written without a count. */
    public static final int DEFAULT_PLATFORM_THREADS = 200;

    /** The kind of thread that runs a connection. */
    public enum Kind { VIRTUAL, PLATFORM }

    /**
     * @throws IllegalArgumentException if {@code platformThreads} is not positive for PLATFORM, or
     *     not 0 for VIRTUAL
     */
    public ThreadMode {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.PLATFORM && platformThreads < 1) {
            throw new IllegalArgumentException("platformThreads must be at least 1: " + platformThreads);
        }
        if (kind == Kind.VIRTUAL && platformThreads != 0) {
            throw new IllegalArgumentException("platformThreads must be 0 for virtual threads: " + platformThreads);
        }
    }

    /** A virtual thread per connection. */
    public static ThreadMode virtual() {
        return new ThreadMode(Kind.VIRTUAL, 0);
    }

    /**
     * A pool of {@code threads} platform threads.
     *
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public static ThreadMode platform(int threads) {
        return new ThreadMode(Kind.PLATFORM, threads);
    }

    /**
     * Parses {@code virtual}, {@code platform} (a pool of {@value #DEFAULT_PLATFORM_THREADS}) or
     * {@code platform:N}, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad text and the valid forms
     */
    public static ThreadMode parse(String text) {
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

    /** The command-line form: {@code virtual} or {@code platform:N}. */
    @Override
    public String toString() {
        return kind == Kind.VIRTUAL ? "virtual" : "platform:" + platformThreads;
    }
}
