package dev.echo.bench.load;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** Far above a log's longest line, an interval's compressed histogram (a few KiB). */
    public static final int MAX_LINE_CHARS = 1 << 20;

    /**
     * Reads the log at {@code file}.
     *
     * @throws IOException when it cannot be read, or is not a whole log of {@code echo-load run --hdr-log}:
     *     no totals line (another program's log, or a run that never finished), or fewer or more latencies
     *     than the totals line counts (cut short or garbled)
     */
    public static GeneratorLog read(Path file) throws IOException {
        List<String> totalsLines = totalsLines(file);
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

    /**
     * The lines of {@code file} that start with {@link RunTotals#PREFIX}, read a character at a time: a whole
     * file read into memory took the heap down on {@code merge /dev/zero} (one endless line) with a trace.
     */
    private static List<String> totalsLines(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException("not a regular file (a directory, a device or a pipe)");
        }
        List<String> found = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            StringBuilder line = new StringBuilder();
            long number = 1;
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c == '\n') {
                    keepIfTotals(line, found);
                    line.setLength(0);
                    number++;
                } else if (line.length() == MAX_LINE_CHARS) {
                    throw new IOException("line " + number + " is longer than " + MAX_LINE_CHARS
                            + " characters: not a log of echo-load run --hdr-log");
                } else {
                    line.append((char) c);
                }
            }
            keepIfTotals(line, found);
        }
        return found;
    }

    private static void keepIfTotals(StringBuilder line, List<String> found) {
        int prefix = RunTotals.PREFIX.length();
        if (line.length() >= prefix && line.substring(0, prefix).equals(RunTotals.PREFIX)) {
            found.add(line.toString());
        }
    }
}
