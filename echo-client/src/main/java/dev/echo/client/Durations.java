package dev.echo.client;

import java.time.Duration;

/** Short human forms of durations for messages: {@code 30s}, {@code 250ms}, {@code 1.5s}, {@code 0.21 ms}. */
final class Durations {
    private Durations() {}

    /** A timeout as a user would write it: {@code 30s}, {@code 1.5s}, {@code 250ms}. */
    static String timeout(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000 && millis > 0) {
            return millis + "ms";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.3fs", millis / 1000.0).replaceAll("0+s$", "s");
    }

    /** Milliseconds clamped to the int range that socket options take; zero stays zero (no limit). */
    static int socketMillis(Duration duration) {
        if (duration.isZero()) {
            return 0;
        }
        long millis = Math.max(1, duration.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
