package dev.echo.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks that the toolkit's configuration records (client, server, load run) make in their
 * compact constructors, written once so that every tool reports a bad value alike: a
 * {@link NullPointerException} naming a missing option, else an {@link IllegalArgumentException}
 * naming the option and its value.
 */
public final class ConfigChecks {
    /** The highest TCP port. */
    public static final int MAX_PORT = 65_535;

    private ConfigChecks() {}

    /** @throws IllegalArgumentException with {@code message} unless {@code ok} */
    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A host name or address: not null, not blank. */
    public static String host(String option, String value) {
        Objects.requireNonNull(value, option);
        check(!value.isBlank(), option + " must not be blank: '" + value + "'");
        return value;
    }

    /** A TCP port from {@code lowest} (0 = any free port, or 1) to {@value #MAX_PORT}. */
    public static int port(String option, int value, int lowest) {
        check(value >= lowest && value <= MAX_PORT,
                option + " must be between " + lowest + " and " + MAX_PORT + ": " + value);
        return value;
    }

    /** A duration of zero or more. */
    public static Duration notNegative(String option, Duration value) {
        Objects.requireNonNull(value, option);
        check(!value.isNegative(), option + " must not be negative: " + value);
        return value;
    }

    /** A duration above zero. */
    public static Duration positive(String option, Duration value) {
        Objects.requireNonNull(value, option);
        check(value.isPositive(), option + " must be positive: " + value);
        return value;
    }
}
