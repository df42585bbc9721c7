package dev.echo.bench;

import dev.echo.cli.OutputFiles;
import dev.echo.cli.UsageException;
import dev.echo.bench.compare.CompareMain;
import dev.echo.bench.load.LatencyLog;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import dev.echo.bench.load.LoadRun;
import dev.echo.bench.load.RunTotals;
import dev.echo.bench.netty.NettyMain;
import dev.echo.bench.scale.ScaleMain;
import dev.echo.cli.CliOption;
import dev.echo.cli.ClientTlsOptions;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOutput;
import dev.echo.cli.StandardOptions;
import dev.echo.cli.ValueType;
import dev.echo.core.Durations;
import dev.echo.core.Framing;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * {@code bin/echo-load [run]}: the verifying load generator, and its subcommands {@code merge} (the
 * logs of generators on several machines as one run), {@code compare} (the side-by-side table
 * against Netty), {@code scale} (15,000 connections) and {@code netty-server}.
 *
 * <p>Exit codes: 0 every answer verified; 1 a mismatch, an error answer, a failed connection or an
 * unanswered request; 2 a command-line mistake; 130 (143) a run ended early by Ctrl-C (SIGTERM), after
 * printing its partial result.
 */
public final class LoadMain {
    private LoadMain() {}

    static final CliOption<String> HOST = StandardOptions.host("server address", "127.0.0.1");
    static final CliOption<Integer> PORT = StandardOptions.serverPort("server port", 8080);
    static final CliOption<Framing> FRAMING = StandardOptions.framing("wire framing");
    static final CliOption<Integer> CONNECTIONS = CliOption.value("connections", "N", ValueType.intRange(1, Integer.MAX_VALUE),
            "concurrent connections").defaultValue("1");
    static final CliOption<Double> CONNECT_RATE = CliOption.value("connect-rate", "R", ValueType.numberAtLeast(0),
            "new connections per second; 0 = as fast as possible").defaultValue("0");
    /** More in flight than a socket's buffers hold of requests; each slot is made before the run, so it is bounded. */
    static final int MAX_PIPELINE = 65_536;
    static final CliOption<Integer> PIPELINE = CliOption.value("pipeline", "K", ValueType.intRange(1, MAX_PIPELINE),
            "requests in flight per connection").defaultValue("1");
    static final CliOption<Double> RATE = CliOption.value("rate", "R", ValueType.numberAtLeast(0), "total requests per"
            + " second; 0 = closed loop, as fast as answers come; when set, latency counts from each request's intended"
            + " send time").defaultValue("0");
    static final CliOption<Integer> SIZE = CliOption.value("size", "B", ValueType.intRange(0, LoadConfig.MAX_SIZE),
            "echo content bytes").defaultValue("13");
    static final CliOption<int[]> MIX = CliOption.value("mix", "E:A", ValueType.of("two weights E:A such as 1:0 or 9:1",
            LoadMain::weights), "echo to add ratio, e.g. 1:0, 9:1, 0:1").defaultValue("1:0");
    static final CliOption<Duration> DURATION = CliOption.value("duration", "D", ValueType.positiveDuration(),
            "measured time").defaultValue("10s");
    static final CliOption<Duration> WARMUP = CliOption.value("warmup", "W", ValueType.duration(),
            "unmeasured time after connecting").defaultValue("2s");
    static final CliOption<Duration> TIMEOUT = CliOption.value("timeout", "D", ValueType.positiveDuration(),
            "connect and answer timeout").defaultValue("10s");
    static final CliOption<String> JSON = CliOption.value("json", "FILE|-", ValueType.text(),
            "also write the result as JSON to FILE, or to standard output with - (the progress lines and the"
                    + " summary then go to stderr)");
    static final CliOption<String> HDR_LOG = CliOption.value("hdr-log", "FILE", ValueType.text(),
            "also write the measured latencies to FILE as an HdrHistogram interval log (nanoseconds, one"
                    + " interval a second; HistogramLogProcessor reads it; echo-load merge adds several)");
    static final CliOption<String> TAG = CliOption.value("tag", "NAME", ValueType.of("one word without ',' or '='",
            RunTotals::checkTag), "this generator's name in the --hdr-log, for echo-load merge")
            .defaultLabel("host name:pid");
    static final CliOption<Boolean> QUIET = CliOption.flag("quiet", "no progress lines").shortName("q");
    static final CliOption<Boolean> NEW_CONNECTION_PER_REQUEST = CliOption.flag("new-connection-per-request",
            "each request on a new connection (with TLS: a full handshake), closed after its answer; throughput is"
                    + " then connections per second, latency includes the connect");

    static final CliOption<String> CLIENT = CliOption.value("client", "raw|library",
            ValueType.oneOf(java.util.List.of("raw", "library")),
            "raw: each connection a blocking EchoConnection; library: the connections are threads sharing one"
                    + " EchoClient, each with --pipeline calls in flight (the library's own cost)").defaultValue("raw");

    static final CommandSpec SPEC = CommandSpec.builder("echo-load")
            .usage("echo-load [run] [options]  |  echo-load merge|compare|scale|netty-server --help")
            .header("Drives an echo server with verified requests (content and order of every answer) and reports"
                    + " throughput and latency (HdrHistogram).")
            .group("Server", HOST, PORT, FRAMING)
            .group("TLS", ClientTlsOptions.ALL)
            .group("Load", CONNECTIONS, CONNECT_RATE, PIPELINE, RATE, SIZE, MIX, NEW_CONNECTION_PER_REQUEST, CLIENT)
            .group("Time", DURATION, WARMUP, TIMEOUT)
            .group("Output", JSON, HDR_LOG, TAG, QUIET)
            .footer("Example: echo-load --port 8080 --connections 64 --duration 10s --json result.json\n"
                    + "Exit code: 0 every answer verified, 1 anything mismatched or failed (a server that cannot be\n"
                    + "reached too), 2 a bad argument, 130 stopped by Ctrl-C, 143 by SIGTERM (the result so far is\n"
                    + "still printed and written).")
            .build();

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
        String name = args.length > 0 && SUBCOMMANDS.containsKey(args[0]) ? "echo-load " + args[0] : "echo-load";
        return StandardOutput.exitCode(name, dispatch(args, out, err, stopSignals), out, err, ExitCodes.FAILED);
    }

    /** A subcommand's entry point: its arguments after its name, stdout, stderr; the exit code. */
    private interface Subcommand {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    /** The subcommands besides {@code run} (the bare form's explicit name), by name. */
    private static final Map<String, Subcommand> SUBCOMMANDS = Map.of("merge", MergeMain::run,
            "compare", CompareMain::run, "scale", ScaleMain::run, "netty-server", NettyMain::run);

    private static int dispatch(String[] args, PrintStream out, PrintStream err, Consumer<IntConsumer> stopSignals) {
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            if (args[0].equals("run")) {
                return runLoad(rest, out, err, stopSignals);
            }
            Subcommand subcommand = SUBCOMMANDS.get(args[0]);
            if (subcommand != null) {
                return subcommand.run(rest, out, err);
            }
        }
        return runLoad(args, out, err, stopSignals);
    }

    private static int runLoad(String[] args, PrintStream out, PrintStream err, Consumer<IntConsumer> stopSignals) {
        Invocation invocation;
        try {
            ParsedArgs line = CliValues.parse(SPEC, args);
            if (SPEC.printedHelpOrVersion(line, out)) {
                return ExitCodes.OK;
            }
            invocation = invocation(line, err);
        } catch (UsageException e) {
            err.println(SPEC.name() + ": " + e.getMessage());
            return ExitCodes.USAGE;
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
        try (LatencyLog log = invocation.hdrLog() == null ? null
                : openLog(invocation.hdrLog(), invocation.tag(), invocation.config())) {
            LoadRun run = new LoadRun(invocation.config(), human, log == null ? interval -> { } : log::write);
            stopSignals.accept(signal -> {
                stoppedBy.set(signal);
                run.requestStop();
            });
            result = run.run();
            if (log != null) {
                log.finish(result);
            }
        }
        int verdict = result.clean() ? ExitCodes.OK : ExitCodes.FAILED;
        // Stopped before any connection opened (the connects abandoned), it is still the result so far.
        if (result.connectionsOpened() == 0 && stoppedBy.get() == 0) {
            err.println("echo-load: " + (result.firstProblem() == null ? "no connection opened" : result.firstProblem()));
            verdict = ExitCodes.FAILED;
        } else {
            human.println(result.summary());
            if (stoppedBy.get() != 0) {
                // The verdict is of the answers so far: the run is not the one asked for.
                human.printf(Locale.ROOT, "  stopped by %s after %.1f s of the %s asked for: the result so far%n",
                        signalName(stoppedBy.get()), result.measuredSeconds(), Durations.format(invocation.config().duration()));
            }
            verdict = writeJson(invocation.json(), result, out, err) ? verdict : ExitCodes.FAILED;
        }
        return stoppedBy.get() != 0 ? ExitCodes.signalled(stoppedBy.get()) : verdict;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 2 -> "SIGINT";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
    }

    private static LatencyLog openLog(Path file, String tag, LoadConfig config) throws IOException {
        try {
            return LatencyLog.create(file, tag, config);
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
     * @param tag the generator's name in that log, or null without one
     */
    public record Invocation(LoadConfig config, String json, Path hdrLog, String tag) {
        public boolean jsonToStdout() {
            return OutputFiles.STDOUT.equals(json);
        }
    }

    /**
     * Parses the load generator's arguments.
     *
     * @return the invocation, or null when --help or --version was asked for
     * @throws UsageException with the one line to show
     */
    public static Invocation parse(String[] args) throws UsageException {
        ParsedArgs line = CliValues.parse(SPEC, args);
        return line.help() || line.version() ? null : invocation(line, System.err);
    }

    private static Invocation invocation(ParsedArgs line, PrintStream err) throws UsageException {
        if (!line.arguments().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.arguments().get(0)
                    + "' (subcommands: run, merge, compare, scale, netty-server)");
        }
        LoadConfig config;
        try {
            config = LoadConfig.builder().host(line.get(HOST)).port(line.get(PORT)).framing(line.get(FRAMING))
                    .connections(line.get(CONNECTIONS)).connectRate(line.get(CONNECT_RATE))
                    .duration(line.get(DURATION)).warmup(line.get(WARMUP)).rate(line.get(RATE))
                    .pipeline(line.get(PIPELINE)).size(line.get(SIZE)).mix(line.get(MIX)[0], line.get(MIX)[1])
                    .timeout(line.get(TIMEOUT)).progress(!line.get(QUIET)).tls(ClientTlsOptions.clientTls(SPEC, line, err))
                    .newConnectionPerRequest(line.get(NEW_CONNECTION_PER_REQUEST))
                    .libraryClient(line.get(CLIENT).equals("library")).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        // Output paths are checked now, so a typo fails before the load, not after minutes of it.
        String json = line.get(JSON);
        if (json != null && !json.equals(OutputFiles.STDOUT)) {
            OutputFiles.checkWritable("json", json);
        }
        String hdrLog = line.get(HDR_LOG);
        if (hdrLog == null && line.isGiven(TAG)) {
            throw new UsageException("--tag names this generator in its --hdr-log: give --hdr-log FILE too");
        }
        if (OutputFiles.STDOUT.equals(hdrLog)) { // it wrote a file named '-', while --json - means stdout
            throw new UsageException("invalid --hdr-log '-': expected a file (the log does not go to standard output)");
        }
        if (hdrLog != null && json != null && !json.equals(OutputFiles.STDOUT)
                && Path.of(hdrLog).toAbsolutePath().normalize().equals(Path.of(json).toAbsolutePath().normalize())) {
            throw new UsageException("--json and --hdr-log name the same file '" + json + "': one would overwrite the other");
        }
        return new Invocation(config, json, hdrLog == null ? null : OutputFiles.checkWritable("hdr-log", hdrLog),
                hdrLog == null ? null : line.isGiven(TAG) ? line.get(TAG) : defaultTag());
    }

    /** {@code HOST:PID}, unique among generators on machines of distinct names; HOSTNAME is a pod's name. */
    private static String defaultTag() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return host.replaceAll("[\\s,=]", "_") + ":" + ProcessHandle.current().pid();
    }

    private static int[] weights(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not E:A");
        }
        int[] weights = {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        if (weights[0] < 0 || weights[1] < 0 || weights[0] + weights[1] == 0) {
            throw new IllegalArgumentException("no weight");
        }
        return weights;
    }

    static String help() {
        return SPEC.help();
    }
}
