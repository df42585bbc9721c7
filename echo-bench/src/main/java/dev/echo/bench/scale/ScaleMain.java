package dev.echo.bench.scale;

import dev.echo.bench.CliValues;
import dev.echo.bench.ExitCodes;
import dev.echo.bench.RepoJars;
import dev.echo.bench.UsageException;
import dev.echo.bench.compare.ServerKind;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.ValueType;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code bin/echo-load scale}: one server process holds many connections (default 15,000), opened
 * by several load-generator processes (a process may hold at most 20,000 files here), each
 * connection sending one verified echo per second. Reports the server's resident memory and heap
 * per connection, its open files, and the latency percentiles of all requests (the generators'
 * HdrHistograms merged). The run itself is {@link ScaleRun}; this class is its command line.
 */
public final class ScaleMain {
    private ScaleMain() {}

    static final CliOption<String> ROOT = CliOption.value("root", "DIR", ValueType.text(),
            "repository folder holding the built jars").defaultLabel("found from the working directory");
    static final CliOption<Integer> CONNECTIONS = CliOption.value("connections", "N", ValueType.intRange(1, Integer.MAX_VALUE),
            "total connections").defaultValue("15000");
    static final CliOption<Integer> PROCESSES = CliOption.value("processes", "P", ValueType.intRange(1, Integer.MAX_VALUE),
            "load-generator processes sharing them").defaultValue("2");
    static final CliOption<Duration> DURATION = CliOption.value("duration", "D", ValueType.positiveDuration(),
            "measured time, every connection open").defaultValue("30s");
    static final CliOption<Double> PER_CONNECTION_RATE = CliOption.value("per-connection-rate", "R",
            ValueType.numberAtLeast(0.001), "requests per second per connection").defaultValue("1");
    static final CliOption<Double> CONNECT_RATE = CliOption.value("connect-rate", "R", ValueType.numberAtLeast(0.001),
            "new connections per second per process").defaultValue("1000");
    static final CliOption<ServerKind> SERVER = CliOption.value("server", "KIND",
            ValueType.of("virtual, platform or netty", ServerKind::parse), "the server to hold them").defaultValue("virtual");
    static final CliOption<String> SERVER_JVM_OPTS = CliOption.value("server-jvm-opts", "OPTS", ValueType.of("JVM options",
            t -> t), "extra JVM options for the server process, space-separated");

    static final CommandSpec SPEC = CommandSpec.builder("echo-load scale")
            .header("Holds many connections to one server process, each sending one verified echo per second, and"
                    + " reports the server's memory per connection and the latency percentiles of all requests.")
            .group("Server", ROOT, SERVER, SERVER_JVM_OPTS)
            .group("Load", CONNECTIONS, PROCESSES, PER_CONNECTION_RATE, CONNECT_RATE, DURATION)
            .build();

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExitCodes.run(SPEC.name(), err, () -> {
            ParsedArgs line = CliValues.parse(SPEC, args);
            if (SPEC.printedHelpOrVersion(line, out)) {
                return ExitCodes.OK;
            }
            return new ScaleRun(settings(line), out).run();
        });
    }

    /**
     * Parses scale's arguments.
     *
     * @return the settings, or null when --help or --version was asked for
     */
    static ScaleSettings parse(String[] args) throws UsageException {
        ParsedArgs line = CliValues.parse(SPEC, args);
        return line.help() || line.version() ? null : settings(line);
    }

    private static ScaleSettings settings(ParsedArgs cl) throws UsageException {
        if (!cl.arguments().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.arguments().get(0) + "' (try --help)");
        }
        int connections = cl.get(CONNECTIONS);
        int processes = cl.get(PROCESSES);
        if (processes > connections) {
            throw new UsageException("invalid --processes '" + processes + "': expected at most --connections ("
                    + connections + ")");
        }
        String jvm = cl.get(SERVER_JVM_OPTS, "").trim();
        try {
            return new ScaleSettings(RepoJars.locate(cl.get(ROOT)), cl.get(SERVER),
                    jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")), connections, processes, cl.get(DURATION),
                    cl.get(PER_CONNECTION_RATE), cl.get(CONNECT_RATE));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
