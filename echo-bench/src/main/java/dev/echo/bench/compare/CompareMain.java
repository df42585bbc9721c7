package dev.echo.bench.compare;

import dev.echo.bench.CliValues;
import dev.echo.bench.RepoJars;
import dev.echo.bench.OptionsCommand;
import dev.echo.cli.UsageException;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.OutputFiles;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.ValueType;
import dev.echo.bench.netty.NettyTls;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * {@code bin/echo-load compare}: starts each server as its own process, drives each with the same
 * in-process load generator in turn (rotating the order every round, so drift on a shared machine
 * falls on all of them), and prints a Markdown table of medians with each server's ratio to Netty:
 * throughput, latency, and the server process's CPU time and context switches per request.
 * With {@code --baseline-jar}, an echo-server.jar from another build joins the rotation as BASELINE,
 * and a second table gives this build's virtual row against it: before and after a change, in one run.
 */
public final class CompareMain {
    private CompareMain() {}

    static final CliOption<String> ROOT = RepoJars.ROOT_OPTION;
    static final CliOption<Integer> ROUNDS = CliOption.value("rounds", "N", ValueType.intRange(1, Integer.MAX_VALUE),
            "rounds; every round runs every server once per scenario").defaultValue("3");
    static final CliOption<Duration> DURATION = CliOption.value("duration", "D", ValueType.positiveDuration(),
            "measured time per run").defaultValue("5s");
    static final CliOption<Duration> WARMUP = CliOption.value("warmup", "W", ValueType.duration(),
            "unmeasured time per run, after connecting").defaultValue("2s");
    static final CliOption<String> SCENARIOS = CliOption.value("scenarios", "LIST", ValueType.text(), "comma-separated:"
            + " N = N lockstep connections, NxK = N connections with K in flight").defaultValue("1,64,1000,1x64");
    static final CliOption<String> SERVERS = CliOption.value("servers", "LIST", ValueType.text(),
            "comma-separated from virtual, platform, netty").defaultValue("virtual,platform,netty");
    static final CliOption<String> BASELINE_JAR = CliOption.value("baseline-jar", "PATH", ValueType.text(), "an"
            + " echo-server.jar from another build (say, before a change): adds the server 'baseline (virtual)', run"
            + " with the virtual row's arguments, to the rotation, and a table of virtual vs baseline");
    static final CliOption<String> BASELINE_ARGS = CliOption.value("baseline-args", "ARGS", ValueType.of("server"
            + " arguments", t -> t), "extra arguments for the --baseline-jar server only, space-separated, after the"
            + " virtual row's (e.g. \"--metrics-port 0\": the same jar as baseline measures metrics on against off)");
    static final CliOption<Integer> PLATFORM_THREADS = CliOption.value("platform-threads", "N",
            ValueType.intRange(1, Integer.MAX_VALUE), "pool size of the platform-thread server; it serves at most N"
                    + " connections at once").defaultValue("1024");
    static final CliOption<Integer> SIZE = CliOption.value("size", "B", ValueType.intRange(0, Integer.MAX_VALUE),
            "echo content bytes").defaultValue("13");
    static final CliOption<String> SERVER_JVM_OPTS = CliOption.value("server-jvm-opts", "OPTS", ValueType.of("JVM options",
            t -> t), "extra JVM options for every server process, space-separated");
    static final CliOption<Boolean> TLS = CliOption.flag("tls", "compare over TLS: every server serves TLS only"
            + " with a throwaway self-signed certificate (made with the JDK's keytool), Netty with the JDK's TLS like"
            + " echo-server (and netty+openssl where netty-tcnative loads); adds the row 16new (a new connection,"
            + " so a full handshake, per request); default servers virtual,netty(,netty+openssl)");
    static final CliOption<String> OUT = CliOption.value("out", "FILE", ValueType.text(), "also write the table to FILE");

    static final CommandSpec SPEC = CommandSpec.builder("echo-load compare")
            .header("Runs echo-server (virtual threads), echo-server (platform threads) and the Netty peer, each as its"
                    + " own process on a free port, drives each in turn with the same load, and prints a Markdown"
                    + " table of median throughput, p50/p99 latency and each server's CPU time and context switches"
                    + " per request (from /proc, Linux), with ratios to Netty. Needs"
                    + " echo-server/target/echo-server.jar and echo-bench/target/echo-bench.jar. With"
                    + " --baseline-jar, an echo-server.jar of another build runs in the same rotation and a"
                    + " second table gives this build's virtual row against it; --baseline-args adds server"
                    + " arguments to that one only.")
            .group("Servers", ROOT, SERVERS, BASELINE_JAR, BASELINE_ARGS, PLATFORM_THREADS, SERVER_JVM_OPTS)
            .group("Runs", TLS, ROUNDS, SCENARIOS, DURATION, WARMUP, SIZE)
            .group("Output", OUT)
            .footer("Exit code: 0 every answer of every run verified, 1 a mismatch or a failure (a server that"
                    + " exited, a file that could not be written), 2 a bad argument.")
            .build();
    /** {@link OptionsCommand#parse} gives the settings, or null when --help or --version was asked for. */
    static final OptionsCommand<Settings> COMMAND = new OptionsCommand<>(SPEC, CompareMain::settings);

    record Settings(RepoJars jars, int rounds, Duration duration, Duration warmup, List<Scenario> scenarios,
                    List<ServerKind> servers, int platformThreads, int size, List<String> serverJvmOptions, Path out,
                    Path baselineJar, List<String> baselineArgs, SelfSignedPem tls) {

        /** The jar {@code kind} runs from: the --baseline-jar for BASELINE, else this repository's. */
        Path jar(ServerKind kind) throws UsageException {
            return kind == ServerKind.BASELINE ? baselineJar : kind.jar(jars);
        }

        /** {@code kind}'s arguments for room for {@code maxConnections}; BASELINE's end with the --baseline-args. */
        List<String> serverArgs(ServerKind kind, int maxConnections) {
            List<String> args = new ArrayList<>(kind.args(maxConnections, platformThreads));
            if (tls != null) {
                args.addAll(kind.tlsArgs(tls));
            }
            if (kind == ServerKind.BASELINE) {
                args.addAll(baselineArgs);
            }
            return List.copyOf(args);
        }
    }

    private static Settings settings(ParsedArgs cl) throws UsageException {
        // Before minutes of runs, not after them; and before anything else can fail.
        Path out = cl.get(OUT) == null ? null : OutputFiles.checkWritable(OUT.longName(), cl.get(OUT));
        int rounds = cl.get(ROUNDS);
        Duration duration = cl.get(DURATION);
        Duration warmup = cl.get(WARMUP);
        int platformThreads = cl.get(PLATFORM_THREADS);
        int size = cl.get(SIZE);
        List<Scenario> scenarios = new ArrayList<>();
        List<ServerKind> servers = new ArrayList<>();
        boolean tls = cl.get(TLS);
        String serverList = cl.get(SERVERS);
        if (tls && !cl.isGiven(SERVERS)) {
            serverList = NettyTls.Provider.OPENSSL.available() ? "virtual,netty,netty+openssl" : "virtual,netty";
        }
        try {
            for (String s : cl.get(SCENARIOS).split(",")) {
                scenarios.add(Scenario.parse(s));
            }
            if (tls && !cl.isGiven(SCENARIOS)) {
                scenarios.add(Scenario.HANDSHAKES);
            }
            for (String s : serverList.split(",")) {
                ServerKind kind = ServerKind.parse(s);
                if (!servers.contains(kind)) {
                    servers.add(kind);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path baselineJar = null;
        if (cl.get(BASELINE_JAR) != null) {
            baselineJar = baselineJar(cl.get(BASELINE_JAR));
            servers.add(ServerKind.BASELINE);
        } else if (cl.get(BASELINE_ARGS) != null) {
            throw new UsageException("--baseline-args '" + cl.get(BASELINE_ARGS) + "' needs --baseline-jar: they are"
                    + " arguments for that server only");
        }
        if (!tls && servers.contains(ServerKind.NETTY_OPENSSL)) {
            throw new UsageException("server netty+openssl differs from netty only in its TLS: it needs --tls");
        }
        if (servers.contains(ServerKind.NETTY_OPENSSL) && !NettyTls.Provider.OPENSSL.available()) {
            throw new UsageException("server netty+openssl: OpenSSL (netty-tcnative) does not load here");
        }
        return new Settings(RepoJars.locate(cl.get(ROOT)), rounds, duration, warmup, scenarios, servers,
                platformThreads, size, CliValues.words(cl.get(SERVER_JVM_OPTS)), out, baselineJar,
                CliValues.words(cl.get(BASELINE_ARGS)), tls ? throwawayCertificate() : null);
    }

    /** A self-signed certificate for 127.0.0.1 in a temporary directory removed at exit. */
    private static SelfSignedPem throwawayCertificate() throws UsageException {
        try {
            Path dir = Files.createTempDirectory("echo-compare-tls");
            SelfSignedPem pem = SelfSignedPem.create(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            }));
            return pem;
        } catch (IOException e) {
            throw new UsageException("--tls: cannot make a certificate with keytool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("--tls: interrupted while making a certificate");
        }
    }

    /** The --baseline-jar value, checked now: a readable jar holding echo-server's main class. */
    static Path baselineJar(String text) throws UsageException {
        String mainClass = ServerKind.BASELINE.mainClass().replace('.', '/') + ".class";
        Path jar;
        try {
            jar = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new UsageException("--baseline-jar '" + text + "' is not a path: " + e.getMessage());
        }
        if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
            throw new UsageException("--baseline-jar " + jar + " is missing or unreadable: expected an echo-server.jar"
                    + " from another build");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.getEntry(mainClass) == null) {
                throw new UsageException("--baseline-jar " + jar + " is not an echo-server jar: it has no " + mainClass);
            }
        } catch (IOException e) {
            throw new UsageException("--baseline-jar " + jar + " cannot be read as a jar: " + e.getMessage());
        }
        return jar;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return COMMAND.run(args, out, err, settings -> {
            for (ServerKind kind : settings.servers()) {
                settings.jar(kind); // every jar present before anything starts
            }
            return new CompareRun(settings, out).run();
        });
    }
}
