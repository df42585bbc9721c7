package dev.echo.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One generator's finished {@link LatencyLog}, read back: its totals and every latency it measured.
 *
 * @param file where it was read from
 * @param totals the log's last line
 * @param latencyNanos its intervals added, in nanoseconds
 */
public record GeneratorLog(Path file, RunTotals totals, Histogram latencyNanos) {

    /**
     * Reads the log at {@code file}.
     *
     * @throws IOException when it cannot be read, or is not a whole log of {@code echo-load run --hdr-log}:
     *     no totals line (another program's log, or a run that never finished), or fewer or more latencies
     *     than the totals line counts (cut short or garbled)
     */
    public static GeneratorLog read(Path file) throws IOException {
        List<String> totalsLines = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
                .filter(line -> line.startsWith(RunTotals.PREFIX)).toList();
        if (totalsLines.size() != 1) {
            throw new IOException(totalsLines.isEmpty()
                    ? "no '" + RunTotals.PREFIX + "' line: not a log of echo-load run --hdr-log, or its run did not finish"
                    : totalsLines.size() + " totals lines: two logs in one file?");
        }
        RunTotals totals = RunTotals.parse(totalsLines.get(0));
        Histogram latencies = LatencyLog.intervalsAdded(file);
        if (latencies.getTotalCount() != totals.latencies()) {
            throw new IOException("its intervals hold " + latencies.getTotalCount() + " latencies, its totals line"
                    + " says " + totals.latencies() + ": the log is cut short or garbled");
        }
        return new GeneratorLog(file, totals, latencies);
    }
}
