package dev.echo.bench.compare;

import dev.echo.core.tls.ClientTls;
import dev.echo.cli.UsageException;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import dev.echo.bench.load.LoadRun;
import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code compare}: starts every server, runs each scenario's rounds against them in rotated
 * order (so that drift on a shared machine falls on all of them), reading each server's CPU over
 * each measured window, stops the servers and prints the tables.
 */
final class CompareRun {
    private final CompareMain.Settings s;
    private final PrintStream out;
    private final Map<ServerKind, ServerProcess> processes = new EnumMap<>(ServerKind.class);
    private final Map<Scenario, Map<ServerKind, List<ServerRun>>> results = new LinkedHashMap<>();
    private boolean allVerified = true;

    CompareRun(CompareMain.Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /** Runs everything; 0 when every answer was verified, else 1. */
    int run() throws UsageException, IOException, InterruptedException {
        Instant started = Instant.now();
        try {
            startServers();
            for (Scenario scenario : s.scenarios()) {
                Map<ServerKind, List<ServerRun>> byServer = new EnumMap<>(ServerKind.class);
                results.put(scenario, byServer);
                for (int round = 0; round < s.rounds(); round++) {
                    for (int i = 0; i < s.servers().size(); i++) {
                        ServerKind kind = s.servers().get((i + round) % s.servers().size());
                        ServerRun run = measure(kind, scenario, round);
                        byServer.computeIfAbsent(kind, k -> new ArrayList<>()).add(run);
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

    private void startServers() throws UsageException, IOException {
        int maxConnections = s.scenarios().stream().mapToInt(Scenario::connections).max().orElse(1) + 100;
        for (ServerKind kind : s.servers()) {
            ServerProcess process = ServerProcess.start(kind.label(), s.jar(kind), kind.mainClass(),
                    s.serverJvmOptions(), s.serverArgs(kind, maxConnections), Duration.ofSeconds(30));
            processes.put(kind, process);
            out.printf(Locale.ROOT, "started %s: pid %d, port %d%n", kind.label(), process.pid(), process.port());
        }
    }

    /** One run of {@code scenario} against {@code kind}'s server, printed as one line. */
    private ServerRun measure(ServerKind kind, Scenario scenario, int round) throws IOException, InterruptedException {
        ServerProcess process = processes.get(kind);
        if (!process.isAlive()) {
            throw new IOException(kind.label() + " exited during the comparison; its output is in " + process.log());
        }
        LoadConfig config = LoadConfig.builder().port(process.port())
                .connections(scenario.connections()).pipeline(scenario.pipeline())
                .duration(s.duration()).warmup(s.warmup()).size(s.size()).progress(false)
                .newConnectionPerRequest(scenario.newConnectionPerRequest())
                .tls(s.tls() == null ? ClientTls.OFF : ClientTls.builder().trustedCa(s.tls().certificate()).build())
                .build();
        CpuWindow cpu = new CpuWindow(process.pid());
        LoadResult result = new LoadRun(config, out, interval -> { }, cpu).run();
        ServerRun run = new ServerRun(result, cpu.spent().orElse(null));
        allVerified &= result.clean();
        ProcessCpu.PerRequest perRequest = run.perRequest();
        String cost = perRequest == null ? "cpu -" : String.format(Locale.ROOT,
                "cpu %5.1f us/req (%4.1f user)  cs %5.2f+%5.2f/req", perRequest.cpuMicros(), perRequest.userMicros(),
                perRequest.voluntarySwitches(), perRequest.involuntarySwitches());
        out.printf(Locale.ROOT, "%-36s round %d  %-22s %9.0f req/s  p50 %7.1f us  p99 %8.1f us  %s  %s%n",
                scenario.name(), round + 1, kind.label(), result.throughput(), result.latencyMicros(50),
                result.latencyMicros(99), cost, result.clean() ? "verified" : "FAILED: " + result.firstProblem());
        return run;
    }
}
