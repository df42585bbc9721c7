package dev.echo.bench.scale;

import dev.echo.bench.ExitCodes;
import dev.echo.testkit.ServerProcess;
import dev.echo.cli.UsageException;
import dev.echo.bench.compare.CpuWindow;
import dev.echo.bench.compare.ProcessCpu;
import dev.echo.bench.compare.ServerKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One scale run: the server as its own process, its idle memory, the load-generator processes on
 * their shares of the connections, the server's memory while they run, then their results added
 * up and reported.
 */
final class ScaleRun {
    private final ScaleSettings s;
    private final PrintStream out;

    ScaleRun(ScaleSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /** Runs it; returns 0 when every answer of every generator was verified, else 1. */
    int run() throws UsageException, IOException, InterruptedException {
        Path benchJar = ServerProcess.privateCopy(s.jars().benchJar());
        String java = ServerProcess.javaBinary();
        String jcmd = Path.of(java).resolveSibling("jcmd").toString();
        ServerKind kind = s.server();
        try (ServerProcess server = ServerProcess.start(kind.label(), kind.jar(s.jars()), kind.mainClass(),
                s.serverJvmOptions(), kind.args(s.connections() + 1000, s.connections() + 1000), Duration.ofSeconds(30))) {
            ServerMemory idle = ServerMemory.idle(server, jcmd, kind.label(), out);
            List<Generator> generators = new ArrayList<>();
            try {
                for (int i = 0; i < s.processes(); i++) {
                    generators.add(Generator.start(i, java, benchJar, server.port(), s, out));
                }
                // CPU from the moment every connection is held (after the forced GC of the memory
                // reading) until the generators end: no connection setup in it, only the steady load.
                CpuWindow cpu = new CpuWindow(server.pid());
                ServerMemory memory = idle.sampleUntilDone(server, jcmd,
                        generators.stream().map(Generator::process).toList(), s.connections(),
                        s.connectMillis() + 60_000, cpu::opened, out);
                cpu.closed();
                List<Generator.Measured> measured = new ArrayList<>();
                for (Generator generator : generators) {
                    measured.add(generator.read());
                }
                GeneratorTotals totals = GeneratorTotals.of(measured);
                out.print(report(s, totals, memory));
                out.print(cpuLine(s, cpu, cpu.lengthNanos()));
                return totals.clean() ? ExitCodes.OK : ExitCodes.FAILED;
            } finally {
                generators.forEach(Generator::discard);
            }
        }
    }

    /**
     * The server's CPU and context switches per request from all connections held to the end,
     * divided by the requests offered meanwhile (the load is at a fixed rate, and every answer came).
     */
    static String cpuLine(ScaleSettings s, CpuWindow cpu, long windowNanos) {
        long offered = Math.round(s.connections() * s.perConnectionRate() * windowNanos / 1e9);
        return cpu.spent().filter(spent -> offered > 0 && windowNanos > 0).map(spent -> {
            ProcessCpu.PerRequest per = spent.per(offered);
            return String.format(Locale.ROOT, "  server CPU %.1f us/request (user %.1f, sys %.1f), context switches"
                    + " %.2f + %.2f/request, over %.1f s with every connection held (%d requests offered)%n",
                    per.cpuMicros(), per.userMicros(), per.systemMicros(), per.voluntarySwitches(),
                    per.involuntarySwitches(), windowNanos / 1e9, offered);
        }).orElse("  server CPU: not measured (no /proc, or the connections were never all held)\n");
    }

    /** The closing lines: the generators' totals and percentiles of all requests, the server's memory. */
    static String report(ScaleSettings s, GeneratorTotals t, ServerMemory m) {
        String perGenerator = t.p99PerGeneratorMicros().stream()
                .map(p99 -> String.format(Locale.ROOT, "%.1f", p99)).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, """

                scale: %d connections to %s over %d load-generator processes, %.1f echo/s each, %d s measured
                  requests %d  responses %d  mismatches %d  errors %d  -> %s
                  throughput %.0f req/s
                  latency us of all %d measured requests (the generators' histograms merged; from intended send time)
                    p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (each generator's own p99: %s)
                  server open files when sampled %d (peak %d)
                  server RSS: idle %d MiB, loaded %d MiB (peak %d MiB) -> %.1f KiB per connection
                  server heap after full GC: idle %.1f MiB, loaded %.1f MiB -> %.2f KiB per connection
                """, s.connections(), s.server().label(), s.processes(), s.perConnectionRate(),
                s.duration().toSeconds(), t.requests(), t.responses(), t.mismatches(), t.errors(),
                t.clean() ? "every answer verified" : "FAILED", t.throughput(), t.latencyNanos().getTotalCount(),
                t.latencyMicros(50), t.latencyMicros(90), t.latencyMicros(99), t.latencyMicros(99.9),
                t.latencyNanos().getTotalCount() == 0 ? 0 : t.latencyNanos().getMaxValue() / 1000.0, perGenerator,
                m.loadedFiles(), m.peakFiles(), m.idleRssKib() / 1024, m.loadedRssKib() / 1024, m.peakRssKib() / 1024,
                (m.loadedRssKib() - m.idleRssKib()) / (double) s.connections(), m.idleHeapKib() / 1024.0,
                m.loadedHeapKib() / 1024.0, (m.loadedHeapKib() - m.idleHeapKib()) / (double) s.connections());
    }
}
