package dev.echo.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.load.LatencyLog;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadReport;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTotalsTest {

    @TempDir
    Path dir;

    /** {@code fast} answers of 100 us and {@code slow} of 50 ms, written as a log and read back as scale does. */
    private Generator.Measured generator(String name, int fast, int slow) throws Exception {
        Histogram interval = new Histogram(3);
        long now = System.currentTimeMillis();
        interval.setStartTimeStamp(now);
        interval.setEndTimeStamp(now + 1000);
        interval.recordValueWithCount(100_000L, fast);
        if (slow > 0) {
            interval.recordValueWithCount(50_000_000L, slow);
        }
        Path file = dir.resolve(name + ".hlog");
        try (LatencyLog log = LatencyLog.create(file, name, LoadConfig.builder().build())) {
            log.write(interval);
        }
        long count = fast + slow;
        LoadReport report = new LoadReport("127.0.0.1", 1, "delimited", 1, 1, 1, 1, 13, "1:0", 5, 30, count, count,
                count, 0, 0, 0, 0, count / 30.0, new LoadReport.Latency(0, 0, 0, 0, 0, count), null);
        return new Generator.Measured(report, LatencyLog.readTotal(file), 0);
    }

    @Test
    void thePercentilesAreThoseOfAllRequestsNotTheWorstGenerators() throws Exception {
        // One generator: 10,000 fast answers. The other: 100 answers, half of them slow, so its own
        // p99 is 50 ms; over all 10,100 answers only 0.5% are slow, so the p99 of all is 100 us.
        GeneratorTotals totals = GeneratorTotals.of(List.of(generator("a", 10_000, 0), generator("b", 50, 50)));
        double worstP99 = totals.p99PerGeneratorMicros().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(50_000, worstP99, 50, "expected the slow generator's own p99 at 50 ms");
        assertEquals(100, totals.latencyMicros(99), 1, "expected the p99 of all requests at 100 us");
        assertEquals(10_100, totals.latencyNanos().getTotalCount(), "expected every request in the merged histogram");
        assertEquals(50_000, totals.latencyMicros(99.9), 50, "expected the slow 0.5% to show at p99.9");
        assertEquals(10_100, totals.requests(), "expected the requests added up");
        assertTrue(totals.clean(), "expected two clean generators to make a clean total");
    }
}
