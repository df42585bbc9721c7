package dev.echo.bench;

import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.UsageException;
import java.util.List;

/** What the bench tools read from their command lines beyond one option's value. */
public final class CliValues {
    private CliValues() {}

    /** Parses {@code args} against {@code spec}, with the environment's {@code ECHO_*} variables. */
    public static ParsedArgs parse(CommandSpec spec, String[] args) throws UsageException {
        return spec.parse(args, System.getenv());
    }

    /** The words of a space-separated value (JVM options, server arguments); none for null or blanks. */
    public static List<String> words(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
