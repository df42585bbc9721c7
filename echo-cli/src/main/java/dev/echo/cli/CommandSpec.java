package dev.echo.cli;

import com.google.auto.value.AutoBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tool's whole command line, defined once: its options in titled groups, what help says around
 * them, and (for a service) the environment variables they may also come from. Every tool of the
 * toolkit gets from it the same help layout, {@code -h/--help} and {@code -V/--version}, one format
 * for every mistake ({@code TOOL: invalid --OPTION 'VALUE': expected ...}) and exit code 2.
 *
 * <pre>{@code
 * ParsedArgs args;
 * try {
 *     args = SPEC.parse(argv, System.getenv());
 * } catch (UsageException e) {
 *     return SPEC.usageError(err, e);
 * }
 * if (SPEC.printedHelpOrVersion(args, out)) {
 *     return CommandSpec.EXIT_OK;
 * }
 * int port = args.get(PORT);
 * }</pre>
 *
 * @param name the tool's name in its messages: "echo-load scale"
 * @param usage the usage line after "usage: "
 * @param header what the tool does, shown above the options; null for none
 * @param footer examples and notes, shown below the options; null for none
 * @param environmentPrefix the prefix of the environment variables options may come from; null for none
 * @param stopAtFirstArgument whether options end at the first argument that is not one
 * @param groups the groups in help order, the General group (help, version) last
 */
public record CommandSpec(String name, @Nullable String usage, @Nullable String header, @Nullable String footer,
                          @Nullable String environmentPrefix,
                          boolean stopAtFirstArgument, List<Group> groups) {
    public static final int EXIT_OK = 0;
    public static final int EXIT_USAGE = 2;

    static final CliOption<Boolean> HELP = CliOption.flag("help", "print this help and exit").shortName("h");
    static final CliOption<Boolean> VERSION = CliOption.flag("version", "print the version and exit").shortName("V");

    /** Options shown together in help under {@code title}. */
    public record Group(String title, List<CliOption<?>> options) {
        public Group {
            options = List.copyOf(options);
        }
    }

    /**
     * Made by {@link Builder#build()}, which passes what it was told; here the usage line gets its
     * default and the General group (help, version) is added last.
     *
     * @throws IllegalArgumentException for two options of the same name
     */
    public CommandSpec {
        Objects.requireNonNull(name, "name");
        usage = usage == null ? name + " [options]" : usage;
        List<Group> all = new ArrayList<>(groups);
        all.add(new Group("General", List.of(HELP, VERSION)));
        groups = List.copyOf(all);
        OptionTable.check(options(groups));
    }

    /** Starts a spec for the tool (or subcommand) called {@code name} in its messages: "echo-load scale". */
    public static Builder builder(String name) {
        return new AutoBuilder_CommandSpec_Builder().name(name).stopAtFirstArgument(false);
    }

    /** Every option, in help order. */
    public List<CliOption<?>> options() {
        return options(groups);
    }

    private static List<CliOption<?>> options(List<Group> groups) {
        return groups.stream().flatMap(g -> g.options().stream()).toList();
    }

    /** The environment variable {@code option} may come from ({@code ECHO_MAX_CONNECTIONS}), or null. */
    public String environmentVariable(CliOption<?> option) {
        if (environmentPrefix == null || option.isFlag()) {
            return null;
        }
        return environmentPrefix + option.longName().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * Reads a command line; every value is checked here, so a mistake anywhere is reported before
     * the tool does anything. With {@code --help} or {@code --version}, values are not checked.
     *
     * @param environment where variables come from (System.getenv() in production); a value given
     *     on the command line wins over the variable, and an empty variable counts as unset
     * @throws UsageException with the one line to show after the tool's name
     */
    public ParsedArgs parse(String[] args, Map<String, String> environment) throws UsageException {
        return ParsedArgs.parse(this, OptionTable.parse(this, args, stopAtFirstArgument), environment);
    }

    /** The help text: usage, header, the grouped options with defaults, footer; at most 100 columns. */
    public String help() {
        return HelpText.render(this, usage, header, footer, environmentPrefix != null);
    }

    /** {@code NAME VERSION}. */
    public String versionLine() {
        return name + " " + Version.current();
    }

    /** Prints help or the version line if one was asked for; true when it did (the tool then exits 0). */
    public boolean printedHelpOrVersion(ParsedArgs args, PrintStream out) {
        if (args.help()) {
            out.print(help());
        } else if (args.version()) {
            out.println(versionLine());
        } else {
            return false;
        }
        out.flush();
        return true;
    }

    /** Prints {@code NAME: message} on {@code err}; returns {@link #EXIT_USAGE} for the tool to exit with. */
    public int usageError(PrintStream err, UsageException e) {
        err.println(name + ": " + e.getMessage());
        err.flush();
        return EXIT_USAGE;
    }

    /** The README's option table for this tool, in Markdown, generated from the same definitions as help. */
    public String markdownTable() {
        return MarkdownTable.render(this);
    }

    /** Builds a {@link CommandSpec}; the plain setters are generated. */
    @AutoBuilder
    public abstract static class Builder {
        private final List<Group> groups = new ArrayList<>();

        Builder() {}

        abstract Builder name(String name);

        /** The usage line after "usage: "; default {@code NAME [options]}. */
        public abstract Builder usage(String line);

        /** What the tool does, shown above the options. */
        public abstract Builder header(String text);

        /** Examples and notes, shown below the options; "\n" starts a new paragraph. */
        public abstract Builder footer(String text);

        abstract Builder environmentPrefix(String prefix);

        /** Options that take a value may also come from {@code PREFIX + LONG_NAME} ({@code ECHO_} gives ECHO_PORT). */
        public Builder environment(String prefix) {
            return environmentPrefix(prefix);
        }

        abstract Builder stopAtFirstArgument(boolean stop);

        /** Options end at the first argument that is not one, so a command's own words ({@code add -5 3}) stay whole. */
        public Builder stopAtFirstArgument() {
            return stopAtFirstArgument(true);
        }

        abstract Builder groups(List<Group> groups);

        /** Adds a group of options, shown in help under {@code title}. */
        public Builder group(String title, CliOption<?>... options) {
            groups.add(new Group(title, List.of(options)));
            return this;
        }

        abstract CommandSpec autoBuild();

        public CommandSpec build() {
            return groups(groups).autoBuild();
        }
    }
}
