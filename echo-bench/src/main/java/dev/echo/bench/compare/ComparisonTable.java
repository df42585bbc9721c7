package dev.echo.bench.compare;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown tables {@code compare} prints: medians of the rounds per scenario and server with
 * each server's ratio to Netty, and, with a baseline, this build's virtual row against it. Every
 * column is its own median over the rounds; a cost the machine could not read (no /proc) is "-".
 */
final class ComparisonTable {
    private ComparisonTable() {}

    private static final ToDoubleFunction<ServerRun> RPS = r -> r.load().throughput();
    private static final ToDoubleFunction<ServerRun> P50 = r -> r.load().latencyMicros(50);
    private static final ToDoubleFunction<ServerRun> P99 = r -> r.load().latencyMicros(99);
    private static final ToDoubleFunction<ServerRun> CPU = r -> r.perRequest(ProcessCpu.PerRequest::cpuMicros);

    static String of(CompareMain.Settings s, Map<Scenario, Map<ServerKind, List<ServerRun>>> results, Instant started) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Medians of %d rounds, %d s measured after %d s warmup per run, %d-byte"
                + " echo, delimited framing, closed loop; started %s. CPU and context switches are the server"
                + " process's (all threads, from /proc) in the measured window, per answered request.%s%n%n",
                s.rounds(), s.duration().toSeconds(), s.warmup().toSeconds(), s.size(), started,
                s.tls() == null ? "" : " Over TLS (TLSv1.3, a self-signed EC P-256 certificate; the load"
                        + " generator's TLS is the JDK's); \"netty\" uses the JDK's TLS like echo-server, and in the"
                        + " new-connection rows throughput is full handshakes per second."));
        if (s.baselineJar() != null) {
            t.append(String.format(Locale.ROOT, "Baseline: %s, run like the virtual row%s.%n%n", s.baselineJar(),
                    s.baselineArgs().isEmpty() ? "" : " with " + String.join(" ", s.baselineArgs()) + " added"));
        }
        t.append("| scenario | server | throughput (req/s) | vs Netty | p50 (us) | p99 (us) | p99 vs Netty"
                + " | CPU/req (us) | user (us) | sys (us) | CPU vs Netty | vol. cs/req | invol. cs/req | verified |\n");
        t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (var row : results.entrySet()) {
            Map<ServerKind, List<ServerRun>> byServer = row.getValue();
            List<ServerRun> netty = byServer.getOrDefault(ServerKind.NETTY, List.of());
            double nettyRps = median(netty, RPS);
            double nettyP99 = median(netty, P99);
            double nettyCpu = median(netty, CPU);
            for (var cell : byServer.entrySet()) {
                List<ServerRun> runs = cell.getValue();
                double rps = median(runs, RPS);
                double p99 = median(runs, P99);
                double cpu = median(runs, CPU);
                boolean verified = runs.stream().allMatch(r -> r.load().clean());
                t.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.1f | %.1f | %s | %s | %s | %s | %s"
                        + " | %s | %s | %s |%n", row.getKey().name(), cell.getKey().label(), rps,
                        ratio(rps, nettyRps), median(runs, P50), p99, ratio(p99, nettyP99),
                        number(cpu, 1), number(median(runs, r -> r.perRequest(ProcessCpu.PerRequest::userMicros)), 1),
                        number(median(runs, r -> r.perRequest(ProcessCpu.PerRequest::systemMicros)), 1),
                        ratio(cpu, nettyCpu),
                        number(median(runs, r -> r.perRequest(ProcessCpu.PerRequest::voluntarySwitches)), 2),
                        number(median(runs, r -> r.perRequest(ProcessCpu.PerRequest::involuntarySwitches)), 2),
                        verified ? "yes" : "NO"));
            }
        }
        t.append(baselineTable(results));
        return t.toString();
    }

    /** "virtual vs baseline", one line per scenario that ran both; empty when none did. */
    static String baselineTable(Map<Scenario, Map<ServerKind, List<ServerRun>>> results) {
        StringBuilder t = new StringBuilder();
        for (var row : results.entrySet()) {
            List<ServerRun> virtual = row.getValue().get(ServerKind.VIRTUAL);
            List<ServerRun> baseline = row.getValue().get(ServerKind.BASELINE);
            if (virtual == null || baseline == null) {
                continue;
            }
            if (t.isEmpty()) {
                t.append("\nVirtual vs baseline (this build's echo-server against --baseline-jar; above 1.00x,"
                        + " throughput is better, p99 and CPU per request worse):\n\n");
                t.append("| scenario | virtual (req/s) | baseline (req/s) | throughput vs baseline"
                        + " | virtual p99 (us) | baseline p99 (us) | p99 vs baseline"
                        + " | virtual CPU/req (us) | baseline CPU/req (us) | CPU vs baseline |\n");
                t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            }
            double rps = median(virtual, RPS);
            double baseRps = median(baseline, RPS);
            double p99 = median(virtual, P99);
            double baseP99 = median(baseline, P99);
            double cpu = median(virtual, CPU);
            double baseCpu = median(baseline, CPU);
            t.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.1f | %.1f | %s | %s | %s | %s |%n",
                    row.getKey().name(), rps, baseRps, ratio(rps, baseRps), p99, baseP99, ratio(p99, baseP99),
                    number(cpu, 1), number(baseCpu, 1), ratio(cpu, baseCpu)));
        }
        return t.toString();
    }

    private static String ratio(double value, double reference) {
        return Double.isNaN(value) || Double.isNaN(reference) || reference == 0 ? "-"
                : String.format(Locale.ROOT, "%.2fx", value / reference);
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** The median of {@code metric} over the runs where it is known (not NaN); NaN when it is known in none. */
    static double median(List<ServerRun> runs, ToDoubleFunction<ServerRun> metric) {
        double[] values = runs.stream().mapToDouble(metric).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int n = values.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
