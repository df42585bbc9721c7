package dev.echo.bench.compare;

import dev.echo.bench.CliValues;
import dev.echo.bench.ExitCodes;
import dev.echo.bench.Help;
import dev.echo.bench.RepoJars;
import dev.echo.bench.UsageException;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import dev.echo.bench.load.LoadRun;
import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code bin/echo-load compare}: starts each server as its own process, drives each with the same
 * in-process load generator in turn (rotating the order every round, so drift on a shared machine
 * falls on all of them), and prints a Markdown table of medians with each server's ratio to Netty.
 * With {@code --baseline-jar}, an echo-server.jar from another build joins the rotation as BASELINE,
 * and a second table gives this build's virtual row against it: before and after a change, in one run.
 */
public final class CompareMain {
    private CompareMain() {}

    static Options options() {
        Options o = new Options();
        o.addOption(opt("root", "DIR", "repository folder holding the built jars (default: found from the working directory)"));
        o.addOption(opt("rounds", "N", "rounds; every round runs every server once per scenario (default 3)"));
        o.addOption(opt("duration", "D", "measured time per run (default 5s)"));
        o.addOption(opt("warmup", "W", "unmeasured time per run, after connecting (default 2s)"));
        o.addOption(opt("scenarios", "LIST", "comma-separated: N = N lockstep connections, NxK = N connections"
                + " with K in flight (default 1,64,1000,1x64)"));
        o.addOption(opt("servers", "LIST", "comma-separated from virtual, platform, netty (default all three)"));
        o.addOption(opt("baseline-jar", "PATH", "an echo-server.jar from another build (say, before a change):"
                + " adds the server 'baseline (virtual)', run with the virtual row's arguments, to the rotation,"
                + " and a table of virtual vs baseline"));
        o.addOption(opt("platform-threads", "N", "pool size of the platform-thread server; it serves at most"
                + " N connections at once (default 1024)"));
        o.addOption(opt("size", "B", "echo content bytes (default 13)"));
        o.addOption(opt("server-jvm-opts", "OPTS", "extra JVM options for every server process, space-separated"));
        o.addOption(opt("out", "FILE", "also write the table to FILE"));
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    private static Option opt(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(description).get();
    }

    record Settings(RepoJars jars, int rounds, Duration duration, Duration warmup, List<Scenario> scenarios,
                    List<ServerKind> servers, int platformThreads, int size, List<String> serverJvmOptions, Path out,
                    Path baselineJar) {

        /** The jar {@code kind} runs from: the --baseline-jar for BASELINE, else this repository's. */
        Path jar(ServerKind kind) throws UsageException {
            return kind == ServerKind.BASELINE ? baselineJar : kind.jar(jars);
        }
    }

    static Settings parse(String[] args) throws UsageException {
        CommandLine cl = CliValues.parse(options(), args);
        if (cl.hasOption("help")) {
            return null;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        int rounds = CliValues.intValue(cl, "rounds", 3);
        Duration duration = CliValues.durationValue(cl, "duration", Duration.ofSeconds(5));
        Duration warmup = CliValues.durationValue(cl, "warmup", Duration.ofSeconds(2));
        int platformThreads = CliValues.intValue(cl, "platform-threads", 1024);
        int size = CliValues.intValue(cl, "size", 13);
        if (rounds < 1) {
            throw new UsageException("--rounds must be at least 1: " + rounds);
        }
        if (!duration.isPositive() || warmup.isNegative()) {
            throw new UsageException("--duration must be positive and --warmup not negative");
        }
        if (platformThreads < 1) {
            throw new UsageException("--platform-threads must be at least 1: " + platformThreads);
        }
        List<Scenario> scenarios = new ArrayList<>();
        List<ServerKind> servers = new ArrayList<>();
        try {
            String list = cl.getOptionValue("scenarios");
            if (list == null) {
                scenarios.addAll(Scenario.DEFAULTS);
            } else {
                for (String s : list.split(",")) {
                    scenarios.add(Scenario.parse(s));
                }
            }
            for (String s : cl.getOptionValue("servers", "virtual,platform,netty").split(",")) {
                ServerKind kind = ServerKind.parse(s);
                if (!servers.contains(kind)) {
                    servers.add(kind);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path baselineJar = null;
        if (cl.hasOption("baseline-jar")) {
            baselineJar = baselineJar(cl.getOptionValue("baseline-jar"));
            servers.add(ServerKind.BASELINE);
        }
        String jvm = cl.getOptionValue("server-jvm-opts", "").trim();
        List<String> jvmOptions = jvm.isEmpty() ? List.of() : Arrays.asList(jvm.split("\\s+"));
        String out = cl.getOptionValue("out");
        return new Settings(RepoJars.locate(cl.getOptionValue("root")), rounds, duration, warmup, scenarios, servers,
                platformThreads, size, jvmOptions, out == null ? null : Path.of(out), baselineJar);
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
        return ExitCodes.run("echo-load compare", err, () -> {
            Settings settings = parse(args);
            if (settings == null) {
                out.print(help());
                return ExitCodes.OK;
            }
            for (ServerKind kind : settings.servers()) {
                settings.jar(kind); // every jar present before anything starts
            }
            return compare(settings, out);
        });
    }

    private static int compare(Settings s, PrintStream out) throws UsageException, IOException, InterruptedException {
        int maxConnections = s.scenarios().stream().mapToInt(Scenario::connections).max().orElse(1) + 100;
        Map<ServerKind, ServerProcess> processes = new EnumMap<>(ServerKind.class);
        Map<Scenario, Map<ServerKind, List<LoadResult>>> results = new LinkedHashMap<>();
        boolean allVerified = true;
        Instant started = Instant.now();
        try {
            for (ServerKind kind : s.servers()) {
                ServerProcess process = ServerProcess.start(kind.label(), s.jar(kind), kind.mainClass(),
                        s.serverJvmOptions(), kind.args(maxConnections, s.platformThreads()), Duration.ofSeconds(30));
                processes.put(kind, process);
                out.printf(Locale.ROOT, "started %s: pid %d, port %d%n", kind.label(), process.pid(), process.port());
            }
            for (Scenario scenario : s.scenarios()) {
                Map<ServerKind, List<LoadResult>> byServer = new EnumMap<>(ServerKind.class);
                results.put(scenario, byServer);
                for (int round = 0; round < s.rounds(); round++) {
                    for (int i = 0; i < s.servers().size(); i++) {
                        ServerKind kind = s.servers().get((i + round) % s.servers().size());
                        ServerProcess process = processes.get(kind);
                        if (!process.isAlive()) {
                            throw new IOException(kind.label() + " exited during the comparison; its output is in "
                                    + process.log());
                        }
                        LoadConfig config = LoadConfig.builder().port(process.port())
                                .connections(scenario.connections()).pipeline(scenario.pipeline())
                                .duration(s.duration()).warmup(s.warmup()).size(s.size()).progress(false).build();
                        LoadResult result = new LoadRun(config, out).run();
                        byServer.computeIfAbsent(kind, k -> new ArrayList<>()).add(result);
                        allVerified &= result.clean();
                        out.printf(Locale.ROOT, "%-22s round %d  %-24s %9.0f req/s  p50 %7.1f us  p99 %8.1f us  %s%n",
                                scenario.name(), round + 1, kind.label(), result.throughput(), result.latencyMicros(50),
                                result.latencyMicros(99), result.clean() ? "verified" : "FAILED: " + result.firstProblem());
                    }
                }
            }
        } finally {
            for (ServerProcess process : processes.values()) {
                process.close();
            }
        }
        String table = ComparisonTable.of(s, results, started);
        out.println();
        out.print(table);
        if (s.out() != null) {
            Files.writeString(s.out(), table, StandardCharsets.UTF_8);
        }
        return allVerified ? 0 : 1;
    }

    static String help() {
        return Help.text("echo-load compare [options]",
                "Runs echo-server (virtual threads), echo-server (platform threads) and the Netty peer, each as its"
                        + " own process on a free port, drives each in turn with the same load, and prints a Markdown"
                        + " table of median throughput and p50/p99 latency with ratios to Netty. Needs"
                        + " echo-server/target/echo-server.jar and echo-bench/target/echo-bench.jar. With"
                        + " --baseline-jar, an echo-server.jar of another build runs in the same rotation and a"
                        + " second table gives this build's virtual row against it.",
                options(), "");
    }
}
