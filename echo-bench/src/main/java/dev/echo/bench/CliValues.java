package dev.echo.bench;

import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;

/** The bench tools' door to the toolkit's command-line layer: its mistakes become this module's {@link UsageException}. */
public final class CliValues {
    private CliValues() {}

    /** Parses {@code args} against {@code spec}; a mistake becomes the one-line UsageException. */
    public static ParsedArgs parse(CommandSpec spec, String[] args) throws UsageException {
        try {
            return spec.parse(args, System.getenv());
        } catch (dev.echo.cli.UsageException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
