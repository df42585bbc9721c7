package dev.echo.cli;

import dev.echo.core.Durations;
import dev.echo.core.Framing;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * What an option's value must be, and how it becomes one: {@code expected} completes the sentence
 * "invalid --port 'abc': expected ...", and {@code parse} throws IllegalArgumentException (its
 * message is dropped) for any text that is not such a value.
 *
 * @param expected what a valid value looks like, as the user reads it in an error
 * @param parse text to value; throws IllegalArgumentException for a bad text
 * @param <T> the value's type
 */
public record ValueType<T>(String expected, Function<String, T> parse) {

    public ValueType {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(parse, "parse");
    }

    /** Any type: {@code parser} throws IllegalArgumentException for a bad text. */
    public static <T> ValueType<T> of(String expected, Function<String, T> parser) {
        return new ValueType<>(expected, parser);
    }

    /** Any text that is not blank. */
    public static ValueType<String> text() {
        return of("a value that is not blank", t -> {
            if (t.isBlank()) {
                throw new IllegalArgumentException("blank");
            }
            return t;
        });
    }

    /** A TCP port, 0 (any free port) to 65535. */
    public static ValueType<Integer> port() {
        return intRange(0, 65_535);
    }

    /** A whole number from {@code min} to {@code max}; {@code _} may group digits. */
    public static ValueType<Integer> intRange(int min, int max) {
        ValueType<Long> wide = longRange(min, max);
        return of(wide.expected(), t -> wide.parse().apply(t).intValue());
    }

    /** A whole number from {@code min} to {@code max}; {@code _} may group digits. */
    public static ValueType<Long> longRange(long min, long max) {
        String expected = max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                ? "a whole number of at least " + min : "a whole number from " + min + " to " + max;
        return of(expected, t -> {
            String digits = t.trim().replace("_", "");
            if (!digits.matches("-?\\d{1,18}")) {
                throw new IllegalArgumentException("not a whole number");
            }
            long value = Long.parseLong(digits);
            if (value < min || value > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        });
    }

    /** A finite number of at least {@code min}, like 0.5 or 1000. */
    public static ValueType<Double> numberAtLeast(double min) {
        return of("a number of at least " + plain(min), t -> {
            double value = Double.parseDouble(t.trim().replace("_", "")); // NumberFormatException is an IAE
            if (!Double.isFinite(value) || value < min) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        });
    }

    /** A duration in the toolkit's one grammar ({@link Durations}), zero included. */
    public static ValueType<Duration> duration() {
        return of("a duration like 500ms, 30s, 5m or 0", Durations::parse);
    }

    /** A duration more than zero. */
    public static ValueType<Duration> positiveDuration() {
        return of("a duration more than zero, like 500ms, 30s or 5m", t -> {
            Duration value = Durations.parse(t);
            if (value.isZero()) {
                throw new IllegalArgumentException("zero");
            }
            return value;
        });
    }

    /** One of {@code names}, in any case; the value is the name in lower case. */
    public static ValueType<String> oneOf(List<String> names) {
        return of("one of " + String.join(", ", names), t -> {
            String name = t.trim().toLowerCase(Locale.ROOT);
            if (!names.contains(name)) {
                throw new IllegalArgumentException("unknown");
            }
            return name;
        });
    }

    /** A framing by its command-line name, {@code delimited} or {@code raw}. */
    public static ValueType<Framing> framing() {
        return of("delimited or raw", Framing::fromCliName);
    }

    /** The same values, converted by {@code then} (which may also throw IllegalArgumentException). */
    public <R> ValueType<R> map(Function<T, R> then) {
        return of(expected, parse.andThen(then));
    }

    /** The value {@code text} stands for, or IllegalArgumentException. */
    T read(String text) {
        return parse.apply(text);
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
