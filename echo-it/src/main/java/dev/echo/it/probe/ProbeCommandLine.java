package dev.echo.it.probe;

import dev.echo.core.Durations;
import dev.echo.core.Framing;
import dev.echo.it.replica.Design;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The probe's command line, and its {@code replica} command's: one commons-cli {@link Options}
 * each drives both parsing and {@code --help}. Every mistake is an IllegalArgumentException whose
 * message is the one line the user sees.
 */
final class ProbeCommandLine {
    static final String NAME = "echo-probe";

    /** {@code echo-probe HOST:PORT ...}; {@code json} is null, a file name, or "-" for stdout. */
    record ProbeArgs(ProbeConfig config, String json) {}

    /** {@code echo-probe replica ...} */
    record ReplicaArgs(Design design, String host, int port) {}

    private static final Option FRAMING = Option.builder().longOpt("framing").hasArg().argName("delimited|raw")
            .desc("the target's framing (default: delimited)").get();
    private static final Option ONLY = Option.builder().longOpt("only").hasArg().argName("ID,...")
            .desc("run only these checks (default: all of them)").get();
    private static final Option JSON = Option.builder().longOpt("json").hasArg().argName("FILE|-")
            .desc("also write the results as JSON to FILE, or to stdout with - (the lines then go to stderr)").get();
    private static final Option TIMEOUT = Option.builder().longOpt("timeout").hasArg().argName("DURATION")
            .desc("how long to wait for each answer, like 500ms, 2s (default: "
                    + Durations.format(ProbeConfig.DEFAULT_TIMEOUT) + ")").get();
    private static final Option DESIGN = Option.builder().longOpt("design").hasArg().argName("original|solution")
            .desc("which of the original server's designs to run (required)").get();
    private static final Option HOST = Option.builder().longOpt("host").hasArg().argName("HOST")
            .desc("address to listen on (default: 127.0.0.1)").get();
    private static final Option PORT = Option.builder("p").longOpt("port").hasArg().argName("PORT")
            .desc("TCP port, 0 = any free port (default: 8080, as the original)").get();
    private static final Option HELP = Option.builder("h").longOpt("help").desc("print this help and exit").get();
    private static final Option VERSION = Option.builder("V").longOpt("version").desc("print the version and exit").get();

    private ProbeCommandLine() {}

    static Options probeOptions() {
        return options(FRAMING, ONLY, JSON, TIMEOUT, HELP, VERSION);
    }

    static Options replicaOptions() {
        return options(DESIGN, HOST, PORT, HELP);
    }

    private static Options options(Option... options) {
        Options all = new Options();
        Arrays.stream(options).forEach(all::addOption);
        return all;
    }

    /** Parses {@code args} against {@code options}, allowing no abbreviations. */
    static CommandLine parse(Options options, String[] args) {
        try {
            return DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static ProbeArgs probeArgs(CommandLine line) {
        List<String> rest = line.getArgList();
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("missing HOST:PORT, the server to probe");
        }
        if (rest.size() > 1) {
            throw new IllegalArgumentException("unexpected argument '" + rest.get(1) + "'");
        }
        String target = rest.get(0);
        int colon = target.lastIndexOf(':');
        String host = colon > 0 ? target.substring(0, colon).replaceAll("^\\[(.*)]$", "$1") : "";
        int port = colon > 0 ? port(target.substring(colon + 1), 1) : -1;
        if (host.isBlank() || port < 0) {
            throw new IllegalArgumentException("invalid target '" + target + "': expected HOST:PORT, like 127.0.0.1:8080");
        }
        Framing framing = Framing.DELIMITED;
        if (line.hasOption(FRAMING)) {
            try {
                framing = Framing.fromCliName(line.getOptionValue(FRAMING));
            } catch (IllegalArgumentException e) {
                throw invalid(FRAMING, line, "expected delimited or raw");
            }
        }
        List<String> only = new ArrayList<>();
        if (line.hasOption(ONLY)) {
            for (String id : line.getOptionValue(ONLY).split(",", -1)) {
                if (!Probe.checkIds().contains(id.trim())) {
                    throw invalid(ONLY, line, "expected check ids from " + String.join(", ", Probe.checkIds()));
                }
                only.add(id.trim());
            }
        }
        Duration timeout = ProbeConfig.DEFAULT_TIMEOUT;
        if (line.hasOption(TIMEOUT)) {
            try {
                timeout = Durations.parse(line.getOptionValue(TIMEOUT));
            } catch (IllegalArgumentException e) {
                throw invalid(TIMEOUT, line, "expected a whole number and a unit, like 500ms or 2s");
            }
            if (timeout.isZero()) {
                throw invalid(TIMEOUT, line, "must be more than zero");
            }
        }
        return new ProbeArgs(new ProbeConfig(host, port, framing, only, timeout), line.getOptionValue(JSON));
    }

    static ReplicaArgs replicaArgs(CommandLine line) {
        if (!line.getArgList().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + line.getArgList().get(0) + "'");
        }
        if (!line.hasOption(DESIGN)) {
            throw new IllegalArgumentException("missing --design original|solution");
        }
        Design design;
        try {
            design = Design.fromCliName(line.getOptionValue(DESIGN));
        } catch (IllegalArgumentException e) {
            throw invalid(DESIGN, line, "expected original or solution");
        }
        int port = 8080;
        if (line.hasOption(PORT)) {
            port = port(line.getOptionValue(PORT), 0);
            if (port < 0) {
                throw invalid(PORT, line, "expected a whole number from 0 to 65535");
            }
        }
        return new ReplicaArgs(design, line.getOptionValue(HOST, "127.0.0.1"), port);
    }

    /** The port in {@code text}, or -1 when it is no whole number from {@code min} to 65535. */
    private static int port(String text, int min) {
        if (!text.matches("\\d{1,5}")) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port >= min && port <= 65_535 ? port : -1;
    }

    private static IllegalArgumentException invalid(Option option, CommandLine line, String expected) {
        return new IllegalArgumentException("invalid --" + option.getLongOpt() + " '" + line.getOptionValue(option)
                + "': " + expected);
    }

    @SuppressWarnings("deprecation") // the classic formatter: the same layout as echo-load's --help
    static String help(String syntax, String header, Options options, String footer) {
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter writer = new java.io.PrintWriter(text);
        new HelpFormatter().printHelp(writer, 100, syntax, "\n" + header + "\n\n", options, 2, 2, "\n" + footer, false);
        writer.flush();
        return text.toString().replaceAll("(?m)[ \\t]+$", "");
    }

    static String probeHelp() {
        return help(NAME + " [options] HOST:PORT",
                "Probes a server that speaks the echo protocol, over the wire only, with checks of the original"
                        + " server's defects and of the protocol's rules. One line per check: PASS|FAIL|SKIP  ID  title"
                        + "  (evidence). Exit 0 when nothing failed, 1 when a check failed, 2 for a usage error or an"
                        + " unreachable target.",
                probeOptions(),
                "Checks, in the order they run: " + String.join(", ", Probe.checkIds()) + ".\n"
                        + "Example: " + NAME + " 127.0.0.1:8080 --framing raw --only echo,add,pipelined\n"
                        + "Also: " + NAME + " replica --help (replicas of the original server, defects included)");
    }

    static String replicaHelp() {
        return help(NAME + " replica --design original|solution [--host HOST] [--port PORT]",
                "Runs a replica of one of the original Rust server's two designs, raw framing, defects included:"
                        + " an example of what NOT to do, for the probe to find. original: one client at a time, and"
                        + " one client's reset ends the whole server. solution: a thread per client, but stop() cannot"
                        + " unblock its accept(). Both: each 512-byte read is taken as one message, adds are never"
                        + " answered.",
                replicaOptions(),
                "Example: " + NAME + " replica --design original --port 0");
    }
}
