package dev.echo.bench;

import dev.echo.bench.compare.CompareMain;
import dev.echo.bench.load.LatencyLog;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import dev.echo.bench.load.LoadRun;
import dev.echo.bench.netty.NettyMain;
import dev.echo.bench.scale.ScaleMain;
import dev.echo.core.Framing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code bin/echo-load}: the verifying load generator, and its subcommands {@code compare} (the
 * side-by-side table against Netty), {@code scale} (15,000 connections) and {@code netty-server}.
 *
 * <p>Exit codes: 0 every answer verified; 1 a mismatch, an error answer, a failed connection or an
 * unanswered request; 2 a command-line mistake; 130 (143) a run ended early by Ctrl-C (SIGTERM), after
 * printing its partial result.
 */
public final class LoadMain {
    private LoadMain() {}

    /** The load generator's options; one definition drives both parsing and --help. */
    public static Options options() {
        Options o = new Options();
        o.addOption(opt("host", "ADDR", "server address (default 127.0.0.1)"));
        o.addOption(opt("port", "PORT", "server port (default 8080)"));
        o.addOption(opt("framing", "NAME", "delimited or raw (default delimited)"));
        o.addOption(opt("connections", "N", "concurrent connections (default 1)"));
        o.addOption(opt("connect-rate", "R", "new connections per second, 0 = as fast as possible (default 0)"));
        o.addOption(opt("duration", "D", "measured time, like 500ms, 10s, 2m (default 10s)"));
        o.addOption(opt("warmup", "W", "unmeasured time after connecting (default 2s)"));
        o.addOption(opt("rate", "R", "total requests per second, 0 = closed loop, as fast as answers come (default 0);"
                + " when set, latency counts from each request's intended send time"));
        o.addOption(opt("pipeline", "K", "requests in flight per connection (default 1)"));
        o.addOption(opt("size", "B", "echo content bytes (default 13)"));
        o.addOption(opt("mix", "E:A", "echo to add ratio, e.g. 1:0, 9:1, 0:1 (default 1:0)"));
        o.addOption(opt("timeout", "D", "connect and answer timeout (default 10s)"));
        o.addOption(opt("json", "FILE|-", "also write the result as JSON to FILE, or to standard output with -"
                + " (the progress lines and the summary then go to stderr)"));
        o.addOption(opt("hdr-log", "FILE", "also write the measured latencies to FILE as an HdrHistogram interval"
                + " log (nanoseconds, one interval a second; HistogramLogProcessor reads it)"));
        o.addOption(Option.builder("q").longOpt("quiet").desc("no progress lines").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    private static Option opt(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(description).get();
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, StopSignals::onTermOrInt);
    }

    /**
     * Runs a command line, with {@code stopSignals} installing what SIGINT and SIGTERM do (a test
     * passes its own, as no test can send this JVM a signal).
     */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<IntConsumer> stopSignals) {
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "compare" -> {
                    return CompareMain.run(rest, out, err);
                }
                case "scale" -> {
                    return ScaleMain.run(rest, out, err);
                }
                case "netty-server" -> {
                    return NettyMain.run(rest, out, err);
                }
                default -> { }
            }
        }
        Invocation invocation;
        try {
            invocation = parse(args);
        } catch (UsageException e) {
            err.println("echo-load: " + e.getMessage() + " (try --help)");
            return ExitCodes.USAGE;
        }
        if (invocation == null) {
            out.print(help());
            return ExitCodes.OK;
        }
        return ExitCodes.run("echo-load", err, () -> load(invocation, out, err, stopSignals));
    }

    /**
     * The run, its summary and its files. Ctrl-C (or SIGTERM) ends the run early: the result so far
     * is still printed and written, and the exit code is the shell's for that signal (130, 143).
     */
    private static int load(Invocation invocation, PrintStream out, PrintStream err, Consumer<IntConsumer> stopSignals)
            throws IOException, InterruptedException {
        // With the JSON on stdout, the words go to stderr, so that stdout is one parseable document.
        PrintStream human = invocation.jsonToStdout() ? err : out;
        AtomicInteger stoppedBy = new AtomicInteger();
        LoadResult result;
        try (LatencyLog log = invocation.hdrLog() == null ? null : openLog(invocation.hdrLog())) {
            LoadRun run = new LoadRun(invocation.config(), human, log == null ? interval -> { } : log::write);
            stopSignals.accept(signal -> {
                stoppedBy.set(signal);
                run.requestStop();
            });
            result = run.run();
        }
        int verdict = result.clean() ? ExitCodes.OK : ExitCodes.FAILED;
        if (result.connectionsOpened() == 0) {
            err.println("echo-load: " + (result.firstProblem() == null ? "no connection opened" : result.firstProblem()));
            verdict = ExitCodes.FAILED;
        } else {
            human.println(result.summary());
            verdict = writeJson(invocation.json(), result, out, err) ? verdict : ExitCodes.FAILED;
        }
        return stoppedBy.get() != 0 ? ExitCodes.signalled(stoppedBy.get()) : verdict;
    }

    private static LatencyLog openLog(Path file) throws IOException {
        try {
            return LatencyLog.create(file);
        } catch (IOException e) {
            throw new IOException("cannot write --hdr-log '" + file + "': " + OutputFiles.reason(e), e);
        }
    }

    /** Writes the JSON where --json said, if it said; false (after one line on err) when that failed. */
    private static boolean writeJson(String json, LoadResult result, PrintStream out, PrintStream err) {
        if (json == null) {
            return true;
        }
        if (json.equals(OutputFiles.STDOUT)) {
            out.print(result.toJson());
            out.flush();
            return true;
        }
        try {
            Files.writeString(Path.of(json), result.toJson(), StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            err.println("echo-load: cannot write --json '" + json + "': " + OutputFiles.reason(e));
            return false;
        }
    }

    /**
     * A parsed command line.
     *
     * @param config the run's settings
     * @param json where the JSON goes: null for nowhere, {@code -} for stdout, else a file checked writable
     * @param hdrLog where the HdrHistogram log goes (a file checked writable), or null
     */
    public record Invocation(LoadConfig config, String json, Path hdrLog) {
        public boolean jsonToStdout() {
            return OutputFiles.STDOUT.equals(json);
        }
    }

    /**
     * Parses the load generator's arguments.
     *
     * @return the invocation, or null when --help was asked for
     * @throws UsageException with the one line to show
     */
    public static Invocation parse(String[] args) throws UsageException {
        CommandLine cl = CliValues.parse(options(), args);
        if (cl.hasOption("help")) {
            return null;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0)
                    + "' (subcommands: compare, scale, netty-server)");
        }
        LoadConfig.Builder b = LoadConfig.builder();
        b.host(cl.getOptionValue("host", "127.0.0.1"));
        b.port(CliValues.intValue(cl, "port", 8080));
        try {
            b.framing(Framing.fromCliName(cl.getOptionValue("framing", "delimited")));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--framing: " + e.getMessage());
        }
        b.connections(CliValues.intValue(cl, "connections", 1));
        b.connectRate(CliValues.doubleValue(cl, "connect-rate", 0));
        b.duration(CliValues.durationValue(cl, "duration", java.time.Duration.ofSeconds(10)));
        b.warmup(CliValues.durationValue(cl, "warmup", java.time.Duration.ofSeconds(2)));
        b.rate(CliValues.doubleValue(cl, "rate", 0));
        b.pipeline(CliValues.intValue(cl, "pipeline", 1));
        b.size(CliValues.intValue(cl, "size", 13));
        String mix = cl.getOptionValue("mix", "1:0");
        String[] parts = mix.split(":", -1);
        try {
            if (parts.length != 2) {
                throw new NumberFormatException(mix);
            }
            b.mix(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new UsageException("--mix must be two weights E:A such as 1:0 or 9:1: '" + mix + "'");
        }
        b.timeout(CliValues.durationValue(cl, "timeout", java.time.Duration.ofSeconds(10)));
        b.progress(!cl.hasOption("quiet"));
        LoadConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        // Output paths are checked now, so a typo fails before the load, not after minutes of it.
        String json = cl.getOptionValue("json");
        if (json != null && !json.equals(OutputFiles.STDOUT)) {
            OutputFiles.checkWritable("json", json);
        }
        String hdrLog = cl.getOptionValue("hdr-log");
        return new Invocation(config, json, hdrLog == null ? null : OutputFiles.checkWritable("hdr-log", hdrLog));
    }

    static String help() {
        return Help.text("echo-load [options]  |  echo-load compare|scale|netty-server --help",
                "Drives an echo server with verified requests (content and order of every answer) and reports"
                        + " throughput and latency (HdrHistogram). Example: echo-load --port 8080 --connections 64"
                        + " --duration 10s --json result.json",
                options(), "Exit code: 0 every answer verified, 1 anything mismatched or failed, 2 a bad argument,"
                        + " 130 stopped by Ctrl-C (the result so far is still printed and written).");
    }
}
