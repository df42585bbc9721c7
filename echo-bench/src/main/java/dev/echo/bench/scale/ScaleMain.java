package dev.echo.bench.scale;

import dev.echo.bench.CliValues;
import dev.echo.bench.OptionsCommand;
import dev.echo.bench.RepoJars;
import dev.echo.cli.UsageException;
import dev.echo.bench.compare.ServerKind;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.ValueType;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code bin/echo-load scale}: one server process holds many connections (default 15,000), opened
 * by several load-generator processes (a process may hold at most 20,000 files here), each
 * connection sending one verified echo per second. Reports the server's resident memory and heap
 * per connection, its open files, and the latency percentiles of all requests (the generators'
 * HdrHistograms merged). The run itself is {@link ScaleRun}; this class is its command line.
 */
public final class ScaleMain {
    private ScaleMain() {}

    static final CliOption<String> ROOT = RepoJars.ROOT_OPTION;
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
            .footer("Exit code: 0 every generator's every request verified, 1 a mismatch or a failure, 2 a bad"
                    + " argument.")
            .build();
    /** {@link OptionsCommand#parse} gives the settings, or null when --help or --version was asked for. */
    static final OptionsCommand<ScaleSettings> COMMAND = new OptionsCommand<>(SPEC, ScaleMain::settings);

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return COMMAND.run(args, out, err, settings -> new ScaleRun(settings, out).run());
    }

    private static ScaleSettings settings(ParsedArgs cl) throws UsageException {
        int connections = cl.get(CONNECTIONS);
        int processes = cl.get(PROCESSES);
        if (processes > connections) {
            throw new UsageException("invalid --processes '" + processes + "': expected at most --connections ("
                    + connections + ")");
        }
        try {
            return new ScaleSettings(RepoJars.locate(cl.get(ROOT)), cl.get(SERVER),
                    CliValues.words(cl.get(SERVER_JVM_OPTS)), connections, processes, cl.get(DURATION),
                    cl.get(PER_CONNECTION_RATE), cl.get(CONNECT_RATE));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
