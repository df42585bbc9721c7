package dev.echo.bench;

import dev.echo.cli.ClientTlsOptions;
import dev.echo.core.tls.ClientTls;
import java.io.PrintStream;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import java.util.List;

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

    /** The words of a space-separated value (JVM options, server arguments); none for null or blanks. */
    public static List<String> words(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }

    /** The client TLS {@code line} asks for ({@link ClientTlsOptions}), files read; a mistake is the one-line UsageException. */
    public static ClientTls clientTls(CommandSpec spec, ParsedArgs line, PrintStream err) throws UsageException {
        try {
            return ClientTlsOptions.clientTls(spec, line, err);
        } catch (dev.echo.cli.UsageException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
