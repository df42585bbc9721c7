package dev.echo.bench;

import dev.echo.core.Durations;
import java.time.Duration;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** Typed option values, each failure a {@link UsageException} naming the option and the bad text. */
public final class CliValues {
    private CliValues() {}

    /** Parses {@code args} against {@code options}; a mistake becomes the one-line UsageException. */
    public static CommandLine parse(Options options, String[] args) throws UsageException {
        try {
            return new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
    }

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

    /** A duration in the toolkit's one grammar ({@link Durations}): "500ms", "10s", "2m", "0". */
    public static Duration durationValue(CommandLine cl, String option, Duration defaultValue) throws UsageException {
        String text = cl.getOptionValue(option);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + option + ": " + e.getMessage());
        }
    }
}
