package dev.echo.bench;

import dev.echo.cli.UsageException;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import java.io.IOException;
import java.io.PrintStream;

/**
 * An echo-load subcommand that takes options only (a positional argument is a mistake), read into
 * settings of type {@code T}: the parsing, the help and the one-line mistakes written once for all
 * of them.
 *
 * @param spec the command's options and help
 * @param reader reads the settings from a parsed line that has no positional arguments
 */
public record OptionsCommand<T>(CommandSpec spec, Reader<T> reader) {

    /** Reads a command's settings from its parsed line; a bad combination of values is a UsageException. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ParsedArgs line) throws UsageException;
    }

    /** What a command does with its settings: returns its exit code. */
    @FunctionalInterface
    public interface Body<T> {
        int run(T settings) throws UsageException, IOException, InterruptedException;
    }

    /**
     * The settings in {@code args}.
     *
     * @return the settings, or null when --help or --version was asked for
     * @throws UsageException with the one line to show
     */
    public T parse(String[] args) throws UsageException {
        ParsedArgs line = CliValues.parse(spec, args);
        return line.help() || line.version() ? null : read(line);
    }

    /**
     * A whole command line: prints the help or version when asked for, else reads the settings and runs
     * {@code body} with them; a mistake or a failure becomes one line on {@code err} and its exit code
     * ({@link ExitCodes}).
     */
    public int run(String[] args, PrintStream out, PrintStream err, Body<T> body) {
        return ExitCodes.run(spec.name(), err, () -> {
            ParsedArgs line = CliValues.parse(spec, args);
            return spec.printedHelpOrVersion(line, out) ? ExitCodes.OK : body.run(read(line));
        });
    }

    private T read(ParsedArgs line) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.arguments().get(0) + "' (try --help)");
        }
        return reader.read(line);
    }
}
