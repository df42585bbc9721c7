package dev.echo.core;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on every command line of the toolkit (server, client, load
 * generator): a whole number and a unit, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; and
 * {@code 0} alone. One grammar, so an option means the same thing in every tool.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {}

    /**
     * Parses a whole number followed by ms, s, m or h, or a bare {@code 0}.
     *
     * @throws IllegalArgumentException naming the bad text and the valid forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text
                    + "': expected a whole number and a unit, like 500ms, 30s, 5m or 1h");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** The shortest exact form that {@link #parse} reads back: {@code 5m}, {@code 30s}, {@code 250ms}. */
    public static String format(Duration duration) {
        if (duration.getSeconds() > Long.MAX_VALUE / 1000 - 1) {
            // Past what milliseconds hold (a client's "wait for ever", Duration.ofSeconds(Long.MAX_VALUE)).
            return duration.getSeconds() + "s";
        }
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /**
     * {@code duration} in nanoseconds, at most a quarter of the range: an absurdly long timeout means
     * "wait", and a deadline {@code nanoTime() + nanosSaturated(d)} still compares right with later
     * {@code nanoTime()}s. Unsaturated, three centuries was an ArithmeticException (a client's
     * constructor and every {@code close()}, an attacker's finding) or an overflowed deadline.
     */
    public static long nanosSaturated(Duration duration) {
        return Math.min(TimeUnit.NANOSECONDS.convert(duration), Long.MAX_VALUE / 4);
    }
}
