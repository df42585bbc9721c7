package dev.echo.client.shell;

import dev.echo.client.ClientConfig;
import dev.echo.core.Durations;
import dev.echo.core.Framing;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.OptionGroup;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * The shell's command-line options. One commons-cli {@link Options} drives both parsing and
 * {@code --help}. Parsing stops at the first word that is not an option, so a one-shot command
 * such as {@code add -5 3} keeps its negative numbers.
 *
 * @param config where to connect
 * @param command the one-shot command's words; empty for the shell or a script
 * @param help {@code --help} was given
 * @param version {@code --version} was given
 * @param timings whether to print round-trip times after answers
 * @param json print each answer as a JSON object
 */
record ClientOptions(ClientConfig config, List<String> command, boolean help, boolean version, Timings timings,
        boolean json) {

    /** {@code --timing}, {@code --no-timing}, or neither: then only on a terminal. */
    enum Timings {
        ON_A_TERMINAL, ALWAYS, NEVER;

        /** Whether to print times when standard output {@code toTerminal} or not. */
        boolean on(boolean toTerminal) {
            return this == ALWAYS || this == ON_A_TERMINAL && toTerminal;
        }
    }

    static final Options OPTIONS = new Options()
            .addOption(Option.builder().longOpt("host").hasArg().argName("host")
                    .desc("server host (default " + ClientConfig.DEFAULT_HOST + ")").get())
            .addOption(Option.builder("p").longOpt("port").hasArg().argName("port")
                    .desc("server port, 1-65535 (default " + ClientConfig.DEFAULT_PORT + ")").get())
            .addOption(Option.builder().longOpt("framing").hasArg().argName("delimited|raw")
                    .desc("wire framing (default delimited)").get())
            .addOption(Option.builder().longOpt("connect-timeout").hasArg().argName("duration")
                    .desc("how long to wait for a connection, e.g. 5s, 500ms; 0 = no limit (default 5s)").get())
            .addOption(Option.builder().longOpt("timeout").hasArg().argName("duration")
                    .desc("how long to wait for each answer; 0 = no limit (default 30s)").get())
            .addOptionGroup(new OptionGroup()
                    .addOption(Option.builder().longOpt("timing")
                            .desc("print each answer's round-trip time (default: only when stdout is a terminal)").get())
                    .addOption(Option.builder().longOpt("no-timing")
                            .desc("print answers without their round-trip times").get()))
            .addOption(Option.builder().longOpt("json")
                    .desc("print each answer as one JSON object per line: request, answer (or error), micros").get())
            .addOption(Option.builder("h").longOpt("help").desc("print this help and exit").get())
            .addOption(Option.builder("V").longOpt("version").desc("print the version and exit").get());

    /**
     * @throws UsageException naming the bad option or value
     */
    static ClientOptions parse(String[] args) throws UsageException {
        CommandLine line;
        try {
            line = DefaultParser.builder().get().parse(OPTIONS, args, true);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        ClientConfig.Builder config = ClientConfig.builder();
        if (line.hasOption("host")) {
            config.host(line.getOptionValue("host"));
        }
        if (line.hasOption("port")) {
            config.port(CommandParser.int32("--port", line.getOptionValue("port")));
        }
        if (line.hasOption("framing")) {
            try {
                config.framing(Framing.fromCliName(line.getOptionValue("framing")));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--framing: " + e.getMessage());
            }
        }
        if (line.hasOption("connect-timeout")) {
            config.connectTimeout(duration("--connect-timeout", line.getOptionValue("connect-timeout")));
        }
        if (line.hasOption("timeout")) {
            config.readTimeout(duration("--timeout", line.getOptionValue("timeout")));
        }
        ClientConfig built;
        try {
            built = config.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<String> command = line.getArgList();
        if (!command.isEmpty() && command.get(0).startsWith("-")) {
            throw new UsageException("unknown option '" + command.get(0) + "'");
        }
        Timings timings = line.hasOption("timing") ? Timings.ALWAYS
                : line.hasOption("no-timing") ? Timings.NEVER : Timings.ON_A_TERMINAL;
        return new ClientOptions(built, command, line.hasOption("help"), line.hasOption("version"), timings,
                line.hasOption("json"));
    }

    /** A duration in the toolkit's one grammar ({@link Durations}): {@code 500ms}, {@code 5s}, {@code 2m}, {@code 0}. */
    static Duration duration(String option, String text) throws UsageException {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    static void printHelp(PrintWriter out) {
        HelpFormatter formatter = HelpFormatter.builder().setShowSince(false).setHelpAppendable(new TextHelpAppendable(out)).get();
        try {
            formatter.printHelp("echo-client [options] [echo <text> | add <a> <b> | repeat <n> ...]",
                    "Talks to an echo server. With a command: runs it and exits (0 ok, 1 error answer,"
                            + " 2 usage or connection error). Without: a shell on a terminal, else one"
                            + " command per line from stdin.",
                    OPTIONS, "Shell commands: echo, add, repeat, connect, disconnect, status, help, quit.", false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a PrintWriter does not throw
        }
        out.flush();
    }
}
