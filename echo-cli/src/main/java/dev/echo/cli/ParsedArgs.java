package dev.echo.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/**
 * A command line read against a {@link CommandSpec}, every value already checked: each option's
 * value comes from the command line, else its environment variable, else its default.
 */
public final class ParsedArgs {
    private final boolean help;
    private final boolean version;
    private final List<String> arguments;
    private final Map<CliOption<?>, Object> values;
    private final Map<CliOption<?>, Boolean> given;

    private ParsedArgs(boolean help, boolean version, List<String> arguments, Map<CliOption<?>, Object> values,
                       Map<CliOption<?>, Boolean> given) {
        this.help = help;
        this.version = version;
        this.arguments = List.copyOf(arguments);
        this.values = values;
        this.given = given;
    }

    static ParsedArgs parse(CommandSpec spec, CommandLine line, Map<String, String> environment) throws UsageException {
        boolean help = line.hasOption(CommandSpec.HELP.longName());
        boolean version = line.hasOption(CommandSpec.VERSION.longName());
        Map<CliOption<?>, Object> values = new HashMap<>();
        Map<CliOption<?>, Boolean> given = new HashMap<>();
        for (CliOption<?> option : spec.options()) {
            if (option.isFlag() || (!help && !version)) { // with help or version, values go unchecked
                read(spec, option, line, environment, values, given);
            }
        }
        return new ParsedArgs(help, version, line.getArgList(), values, given);
    }

    private static void read(CommandSpec spec, CliOption<?> option, CommandLine line, Map<String, String> environment,
                             Map<CliOption<?>, Object> values, Map<CliOption<?>, Boolean> given) throws UsageException {
        if (option.isFlag()) {
            values.put(option, line.hasOption(option.longName()));
            given.put(option, line.hasOption(option.longName()));
            return;
        }
        String variable = spec.environmentVariable(option);
        String fromEnvironment = variable == null ? null : environment.get(variable);
        String[] fromLine = line.getOptionValues(option.longName());
        String text;
        String source;
        if (fromLine != null) {
            text = fromLine[fromLine.length - 1]; // the last one wins, as in most tools
            source = "--" + option.longName();
        } else if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            text = fromEnvironment;
            source = variable;
        } else if (option.defaultValue() != null) {
            text = option.defaultValue();
            source = null;
        } else {
            given.put(option, false);
            return;
        }
        given.put(option, source != null);
        try {
            values.put(option, option.type().read(text));
        } catch (IllegalArgumentException e) {
            if (source == null) {
                throw new IllegalStateException("the default of --" + option.longName() + " is invalid: '" + text + "'", e);
            }
            throw UsageException.invalid(source, text, option.type().expected());
        }
    }

    /** {@code -h/--help} was given. */
    public boolean help() {
        return help;
    }

    /** {@code -V/--version} was given. */
    public boolean version() {
        return version;
    }

    /** The words that are not options, in order. */
    public List<String> arguments() {
        return arguments;
    }

    /** Whether the command line or the environment gave {@code option} (its default does not count). */
    public boolean isGiven(CliOption<?> option) {
        return given.getOrDefault(option, false);
    }

    /**
     * The value of {@code option}: from the command line, else the environment, else the default;
     * null when none of them has one. A flag is true when given.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(CliOption<T> option) {
        return (T) values.get(option);
    }

    /** The value, or {@code fallback} when there is none. */
    public <T> T get(CliOption<T> option, T fallback) {
        T value = get(option);
        return value == null ? fallback : value;
    }
}
