package dev.echo.it.probe;

import java.io.PrintStream;
import dev.echo.cli.ClientTlsOptions;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.OutputFiles;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOptions;
import dev.echo.cli.UsageException;
import dev.echo.cli.ValueType;
import dev.echo.core.Durations;
import dev.echo.core.Framing;
import dev.echo.it.replica.Design;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The probe's command line, and its {@code replica} command's, on the toolkit's one command-line
 * layer: each {@link CommandSpec} drives both parsing and {@code --help}. Every mistake is a
 * UsageException whose message is the one line the user sees.
 */
final class ProbeCommandLine {
    static final String NAME = "echo-probe";

    /** {@code echo-probe HOST:PORT ...}; {@code json} is null, a file name, or "-" for stdout. */
    record ProbeArgs(ProbeConfig config, String json) {}

    /** {@code echo-probe replica ...} */
    record ReplicaArgs(Design design, String host, int port) {}

    static final CliOption<Framing> FRAMING = StandardOptions.framing("the target's framing");
    static final CliOption<List<String>> ONLY = CliOption.value("only", "ID,...",
            ValueType.of("check ids from " + String.join(", ", Probe.checkIds()), ProbeCommandLine::checkIds),
            "run only these checks").defaultLabel("all of them");
    static final CliOption<String> JSON = CliOption.value("json", "FILE|-", ValueType.text(),
            "also write the results as JSON to FILE, or to stdout with - (the lines then go to stderr)");
    static final CliOption<Duration> TIMEOUT = CliOption.value("timeout", "DURATION", ValueType.positiveDuration(),
            "how long to wait for each answer").defaultValue(Durations.format(ProbeConfig.DEFAULT_TIMEOUT));

    static final CliOption<Design> DESIGN = CliOption.value("design", "original|solution",
            ValueType.of("original or solution", Design::fromCliName), "which of the original server's designs to run"
                    + " (required)");
    static final CliOption<String> HOST = StandardOptions.host("address to listen on", "127.0.0.1");
    static final CliOption<Integer> PORT = StandardOptions.port("TCP port; 0 = any free port (8080 is the original's)",
            8080);

    static final CommandSpec PROBE = CommandSpec.builder(NAME).usage(NAME + " [options] HOST:PORT")
            .header("Probes a server that speaks the echo protocol, over the wire only, with checks of the original"
                    + " server's defects and of the protocol's rules. One line per check: PASS|FAIL|SKIP  ID  title"
                    + "  (evidence). Exit 0 when nothing failed, 1 when a check failed, 2 for a usage error or an"
                    + " unreachable target.")
            .group("Probe", FRAMING, ONLY, TIMEOUT, JSON)
            .group("TLS", ClientTlsOptions.ALL)
            .footer("Checks, in the order they run: " + String.join(", ", Probe.checkIds()) + ".\n"
                    + "Example: " + NAME + " 127.0.0.1:8080 --framing raw --only echo,add,pipelined\n"
                    + "Also: " + NAME + " replica --help (replicas of the original server, defects included)")
            .build();

    static final CommandSpec REPLICA = CommandSpec.builder(NAME + " replica")
            .usage(NAME + " replica --design original|solution [--host HOST] [--port PORT]")
            .header("Runs a replica of one of the original Rust server's two designs, raw framing, defects included:"
                    + " an example of what NOT to do, for the probe to find. original: one client at a time, and"
                    + " one client's reset ends the whole server. solution: a thread per client, but stop() cannot"
                    + " unblock its accept(). Both: each 512-byte read is taken as one message, adds are never"
                    + " answered.")
            .group("Replica", DESIGN, HOST, PORT)
            .footer("Example: " + NAME + " replica --design original --port 0")
            .build();

    private ProbeCommandLine() {}

    static ProbeArgs probeArgs(ParsedArgs line, PrintStream err) throws UsageException {
        List<String> rest = line.arguments();
        if (rest.isEmpty()) {
            throw new UsageException("missing HOST:PORT, the server to probe");
        }
        if (rest.size() > 1) {
            throw new UsageException("unexpected argument '" + rest.get(1) + "' (try --help)");
        }
        String target = rest.get(0);
        int colon = target.lastIndexOf(':');
        String host = colon > 0 ? target.substring(0, colon).replaceAll("^\\[(.*)]$", "$1") : "";
        String port = colon > 0 ? target.substring(colon + 1) : "";
        if (host.isBlank() || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
            throw new UsageException("invalid target '" + target + "': expected HOST:PORT, like 127.0.0.1:8080");
        }
        ProbeConfig config = new ProbeConfig(host, Integer.parseInt(port), line.get(FRAMING), line.get(ONLY, List.of()),
                line.get(TIMEOUT)).tls(ClientTlsOptions.clientTls(PROBE, line, err));
        String json = line.get(JSON);
        if (json != null && !json.equals(OutputFiles.STDOUT)) {
            OutputFiles.checkWritable(JSON.longName(), json); // before any check: else it fails only after all of them
        }
        return new ProbeArgs(config, json);
    }

    static ReplicaArgs replicaArgs(ParsedArgs line) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.arguments().get(0) + "' (try --help)");
        }
        if (line.get(DESIGN) == null) {
            throw new UsageException("missing --design original|solution");
        }
        return new ReplicaArgs(line.get(DESIGN), line.get(HOST), line.get(PORT));
    }

    private static List<String> checkIds(String text) {
        List<String> ids = Arrays.stream(text.split(",", -1)).map(String::trim).toList();
        if (!Probe.checkIds().containsAll(ids)) {
            throw new IllegalArgumentException("unknown check id");
        }
        return ids;
    }
}
