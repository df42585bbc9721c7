package dev.echo.client;

import java.time.Duration;

/** Durations as the socket options that take them. */
final class SocketTimeouts {
    private SocketTimeouts() {}

    /** Milliseconds clamped to the int range that socket options take; zero stays zero (no limit). */
    static int socketMillis(Duration duration) {
        if (duration.isZero()) {
            return 0;
        }
        long millis = Math.max(1, duration.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
