package dev.echo.bench;

import java.time.Duration;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;

/** Typed option values, each failure a {@link UsageException} naming the option and the bad text. */
public final class CliValues {
    private CliValues() {}

    public static int intValue(CommandLine cl, String option, int defaultValue) throws UsageException {
        String text = cl.getOptionValue(option);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " must be a whole number: '" + text + "'");
        }
    }

    public static double doubleValue(CommandLine cl, String option, double defaultValue) throws UsageException {
        String text = cl.getOptionValue(option);
        if (text == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(text.trim().replace("_", ""));
            if (!Double.isFinite(value)) {
                throw new NumberFormatException(text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " must be a number: '" + text + "'");
        }
    }

    /** "10" (seconds), "10s", "500ms", "2m". */
    public static Duration durationValue(CommandLine cl, String option, Duration defaultValue) throws UsageException {
        String text = cl.getOptionValue(option);
        if (text == null) {
            return defaultValue;
        }
        try {
            return parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + option + " must be a duration such as 10, 10s, 500ms or 2m: '" + text + "'");
        }
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "'", e);
        }
    }
}
