package dev.echo.bench.compare;

import dev.echo.bench.load.LoadResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown tables {@code compare} prints: medians of the rounds per scenario and server with
 * each server's ratio to Netty, and, with a baseline, this build's virtual row against it.
 */
final class ComparisonTable {
    private ComparisonTable() {}

    static String of(CompareMain.Settings s, Map<Scenario, Map<ServerKind, List<LoadResult>>> results, Instant started) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Medians of %d rounds, %d s measured after %d s warmup per run, %d-byte"
                + " echo, delimited framing, closed loop; started %s.%n%n", s.rounds(), s.duration().toSeconds(),
                s.warmup().toSeconds(), s.size(), started));
        if (s.baselineJar() != null) {
            t.append(String.format(Locale.ROOT, "Baseline: %s, run like the virtual row.%n%n", s.baselineJar()));
        }
        t.append("| scenario | server | throughput (req/s) | vs Netty | p50 (us) | p99 (us) | p99 vs Netty | verified |\n");
        t.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (var row : results.entrySet()) {
            Map<ServerKind, List<LoadResult>> byServer = row.getValue();
            List<LoadResult> netty = byServer.get(ServerKind.NETTY);
            double nettyRps = netty == null ? Double.NaN : median(netty, LoadResult::throughput);
            double nettyP99 = netty == null ? Double.NaN : median(netty, r -> r.latencyMicros(99));
            for (var cell : byServer.entrySet()) {
                List<LoadResult> runs = cell.getValue();
                double rps = median(runs, LoadResult::throughput);
                double p50 = median(runs, r -> r.latencyMicros(50));
                double p99 = median(runs, r -> r.latencyMicros(99));
                boolean verified = runs.stream().allMatch(LoadResult::clean);
                t.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.1f | %.1f | %s | %s |%n",
                        row.getKey().name(), cell.getKey().label(), rps, ratio(rps, nettyRps), p50, p99,
                        ratio(p99, nettyP99), verified ? "yes" : "NO"));
            }
        }
        t.append(baselineTable(results));
        return t.toString();
    }

    /** "virtual vs baseline", one line per scenario that ran both; empty when none did. */
    static String baselineTable(Map<Scenario, Map<ServerKind, List<LoadResult>>> results) {
        StringBuilder t = new StringBuilder();
        for (var row : results.entrySet()) {
            List<LoadResult> virtual = row.getValue().get(ServerKind.VIRTUAL);
            List<LoadResult> baseline = row.getValue().get(ServerKind.BASELINE);
            if (virtual == null || baseline == null) {
                continue;
            }
            if (t.isEmpty()) {
                t.append("\nVirtual vs baseline (this build's echo-server against --baseline-jar; above 1.00x,"
                        + " throughput is better and p99 worse):\n\n");
                t.append("| scenario | virtual (req/s) | baseline (req/s) | throughput vs baseline"
                        + " | virtual p99 (us) | baseline p99 (us) | p99 vs baseline |\n");
                t.append("|---|---:|---:|---:|---:|---:|---:|\n");
            }
            double rps = median(virtual, LoadResult::throughput);
            double baseRps = median(baseline, LoadResult::throughput);
            double p99 = median(virtual, r -> r.latencyMicros(99));
            double baseP99 = median(baseline, r -> r.latencyMicros(99));
            t.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.1f | %.1f | %s |%n", row.getKey().name(),
                    rps, baseRps, ratio(rps, baseRps), p99, baseP99, ratio(p99, baseP99)));
        }
        return t.toString();
    }

    private static String ratio(double value, double reference) {
        return Double.isNaN(reference) || reference == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", value / reference);
    }

    static double median(List<LoadResult> runs, ToDoubleFunction<LoadResult> metric) {
        double[] values = runs.stream().mapToDouble(metric).sorted().toArray();
        int n = values.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
