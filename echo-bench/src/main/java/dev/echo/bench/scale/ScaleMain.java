package dev.echo.bench.scale;

import dev.echo.bench.CliValues;
import dev.echo.bench.ExitCodes;
import dev.echo.bench.Help;
import dev.echo.bench.RepoJars;
import dev.echo.bench.UsageException;
import dev.echo.bench.compare.ServerKind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code bin/echo-load scale}: one server process holds many connections (default 15,000), opened
 * by several load-generator processes (a process may hold at most 20,000 files here), each
 * connection sending one verified echo per second. Reports the server's resident memory and heap
 * per connection, its open files, and the latency percentiles of all requests (the generators'
 * HdrHistograms merged). The run itself is {@link ScaleRun}; this class is its command line.
 */
public final class ScaleMain {
    private ScaleMain() {}

    static Options options() {
        Options o = new Options();
        o.addOption(opt("root", "DIR", "repository folder holding the built jars (default: found from the working directory)"));
        o.addOption(opt("connections", "N", "total connections (default 15000)"));
        o.addOption(opt("processes", "P", "load-generator processes sharing them (default 2)"));
        o.addOption(opt("duration", "D", "measured time, every connection open (default 30s)"));
        o.addOption(opt("per-connection-rate", "R", "requests per second per connection (default 1)"));
        o.addOption(opt("connect-rate", "R", "new connections per second per process (default 1000)"));
        o.addOption(opt("server", "KIND", "virtual, platform or netty (default virtual)"));
        o.addOption(opt("server-jvm-opts", "OPTS", "extra JVM options for the server process, space-separated"));
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    private static Option opt(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(description).get();
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExitCodes.run("echo-load scale", err, () -> {
            ScaleSettings settings = parse(args);
            if (settings == null) {
                out.print(Help.text("echo-load scale [options]",
                        "Holds many connections to one server process, each sending one verified echo per second,"
                                + " and reports the server's memory per connection and the latency percentiles of"
                                + " all requests.", options(), ""));
                return ExitCodes.OK;
            }
            return new ScaleRun(settings, out).run();
        });
    }

    /**
     * Parses scale's arguments.
     *
     * @return the settings, or null when --help was asked for
     */
    static ScaleSettings parse(String[] args) throws UsageException {
        CommandLine cl = CliValues.parse(options(), args);
        if (cl.hasOption("help")) {
            return null;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        int connections = CliValues.intValue(cl, "connections", 15_000);
        int processes = CliValues.intValue(cl, "processes", 2);
        Duration duration = CliValues.durationValue(cl, "duration", Duration.ofSeconds(30));
        double perConnectionRate = CliValues.doubleValue(cl, "per-connection-rate", 1);
        double connectRate = CliValues.doubleValue(cl, "connect-rate", 1000);
        String jvm = cl.getOptionValue("server-jvm-opts", "").trim();
        try {
            return new ScaleSettings(RepoJars.locate(cl.getOptionValue("root")),
                    ServerKind.parse(cl.getOptionValue("server", "virtual")),
                    jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")), connections, processes, duration,
                    perConnectionRate, connectRate);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
