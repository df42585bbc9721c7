package dev.echo.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergedLogsTest {

    @TempDir
    Path dir;

    /** Every latency any generator of a test wrote, in one histogram built beside the logs. */
    private final Histogram everyLatency = new Histogram(3);

    /**
     * Writes generator {@code tag}'s log as echo-load run does: {@code count} latencies drawn from
     * {@code lowNanos} to {@code highNanos}, over three one-second intervals, then the totals line.
     */
    private Path log(String tag, double rate, int count, long lowNanos, long highNanos, long failed) throws IOException {
        Random random = new Random(tag.hashCode());
        Histogram measured = new Histogram(3);
        List<Histogram> intervals = new ArrayList<>();
        long start = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            Histogram interval = new Histogram(3);
            interval.setStartTimeStamp(start + i * 1000L);
            interval.setEndTimeStamp(start + (i + 1) * 1000L);
            intervals.add(interval);
        }
        for (int i = 0; i < count; i++) {
            long value = lowNanos + (long) (random.nextDouble() * (highNanos - lowNanos));
            intervals.get(i % 3).recordValue(value);
            measured.recordValue(value);
            everyLatency.recordValue(value);
        }
        LoadConfig config = LoadConfig.builder().rate(rate).build();
        long sent = count + 500L; // the warmup's requests count in the totals, not in the latencies
        LoadResult result = new LoadResult(config, 3.0, sent, sent - failed, count, failed, 0, 0, 1, measured,
                failed == 0 ? null : "a mismatch");
        Path file = dir.resolve(tag + ".hlog");
        try (LatencyLog log = LatencyLog.create(file, tag, config)) {
            intervals.forEach(log::write);
            log.finish(result);
        }
        return file;
    }

    private MergedLogs merge(Path... files) throws IOException {
        List<GeneratorLog> logs = new ArrayList<>();
        for (Path file : files) {
            logs.add(GeneratorLog.read(file));
        }
        return MergedLogs.of(logs);
    }

    @Test
    void theMergedPercentilesAreThoseOfOneHistogramOfEveryLatencyNotAnAverage() throws Exception {
        // Most requests are fast; one generator's 100 slow ones are under 1% of all, so they show at
        // p99.9 but not at p99, while an average of the three p99s would be pulled far up by them.
        MergedLogs merged = merge(log("gen-a", 5000, 9000, 100_000, 200_000, 0),
                log("gen-b", 5000, 3000, 150_000, 400_000, 0),
                log("gen-c", 5000, 100, 40_000_000, 60_000_000, 0));
        MergedLogs.Report report = merged.report();
        assertEquals(LoadReport.Latency.of(everyLatency), report.total().latencyUs(),
                "expected p50, p90, p99, p99.9, max and count of one histogram of all 12,100 latencies");
        assertEquals(12_100, report.total().latencyUs().count(), "expected every latency merged");
        double averageP99 = report.generators().stream().mapToDouble(r -> r.latencyUs().p99()).average().orElseThrow();
        assertTrue(report.total().latencyUs().p99() < 1000 && averageP99 > 10_000,
                "expected the merged p99 under 1 ms where an average of p99s is over 10 ms: merged "
                        + report.total().latencyUs().p99() + " us, average " + averageP99 + " us");
        assertTrue(report.total().latencyUs().p999() > 40_000, "expected the slow 0.8% at p99.9: " + report.total());
    }

    @Test
    void theTotalsAddUpAndEachGeneratorKeepsItsOwnRow() throws Exception {
        MergedLogs merged = merge(log("gen-a", 1000, 3000, 100_000, 200_000, 0),
                log("gen-b", 2000, 6000, 100_000, 200_000, 7));
        MergedLogs.Report report = merged.report();
        assertEquals(List.of("gen-a", "gen-b"), report.generators().stream().map(MergedLogs.Row::tag).toList(),
                "expected one row per generator, in the order given");
        MergedLogs.Row a = report.generators().get(0);
        assertEquals(3500, a.sent(), "expected gen-a's own sent count (warmup included)");
        assertEquals(1000.0, a.throughputRps(), "expected gen-a's 3000 measured answers over 3 s");
        MergedLogs.Row all = report.total();
        assertEquals(3500 + 6500, all.sent(), "expected the sent counts added");
        assertEquals(3500 + 6493, all.answered(), "expected the answered counts added");
        assertEquals(3500 + 6493 - 7, all.verified(), "expected the verified counts added (mismatches are answered, not verified)");
        assertEquals(14, all.failed(), "expected gen-b's 7 mismatched and 7 unanswered requests as failed");
        assertEquals(3000.0, all.offeredRate(), "expected the offered rates added");
        assertEquals(3000.0, all.throughputRps(), "expected the generators' throughputs added: they ran at once");
        assertEquals("intended_send", all.latencyFrom(), "expected --rate's corrected latency named");
        assertFalse(report.clean(), "expected a failure in one generator to fail the merge");
        String json = report.toJson();
        assertTrue(json.contains("\"failed\": 14") && json.contains("\"tag\": \"gen-b\""), json);
        String summary = merged.summary();
        assertTrue(summary.contains("corrected for coordinated omission") && summary.contains("FAILED: 14 requests"),
                summary);
    }

    @Test
    void theLogSaysWhichLatencyItHolds() throws Exception {
        Path paced = log("paced", 1000, 10, 1000, 2000, 0);
        Path closed = log("closed", 0, 10, 1000, 2000, 0);
        assertTrue(Files.readAllLines(paced).get(0).contains("intended send time at --rate 1000 (corrected for"
                + " coordinated omission)"), "expected the header to name the corrected latency");
        assertTrue(Files.readAllLines(closed).get(0).contains("actual send (closed loop, no coordinated-omission"
                + " correction)"), "expected the header to name the uncorrected latency");
        MergedLogs.Report mixed = merge(paced, closed).report();
        assertEquals("mixed", mixed.total().latencyFrom(), "expected a merge of both kinds called mixed");
        assertEquals("actual_send", mixed.generators().get(1).latencyFrom(), "expected the closed loop's row to say so");
    }

    @Test
    void aLogWithoutItsTotalsLineIsRefused() throws Exception {
        // A plain HdrHistogram log, as another tool (or a run killed before its end) leaves it.
        Path file = dir.resolve("plain.hlog");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            HistogramLogWriter writer = new HistogramLogWriter(out);
            writer.outputLogFormatVersion();
            writer.outputLegend();
            Histogram interval = new Histogram(3);
            interval.recordValue(1000);
            writer.outputIntervalHistogram(interval);
        }
        IOException e = assertThrows(IOException.class, () -> GeneratorLog.read(file));
        assertTrue(e.getMessage().contains("no '#echo-load totals:' line"), e.getMessage());
    }

    @Test
    void aLogCutShortIsRefused() throws Exception {
        Path file = log("cut", 0, 300, 1000, 2000, 0);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(firstInterval(lines));
        Files.write(file, lines);
        IOException e = assertThrows(IOException.class, () -> GeneratorLog.read(file));
        assertEquals("its intervals hold 200 latencies, its totals line says 300: the log is cut short or garbled",
                e.getMessage());
    }

    private static int firstInterval(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Tag=")) {
                return i;
            }
        }
        throw new AssertionError("no tagged interval in " + lines);
    }

    @Test
    void aGarbledIntervalIsRefused() throws Exception {
        Path file = log("garbled", 0, 300, 1000, 2000, 0);
        String text = Files.readString(file);
        int at = text.indexOf("Tag=garbled,");
        int payload = text.indexOf("HIST", at);
        Files.writeString(file, text.substring(0, payload) + "not*base64" + text.substring(payload + 10));
        IOException e = assertThrows(IOException.class, () -> GeneratorLog.read(file));
        assertTrue(e.getMessage().startsWith("not an HdrHistogram log ("), e.getMessage());
    }

    @Test
    void theSameGeneratorTwiceIsRefused() throws Exception {
        Path file = log("twice", 0, 10, 1000, 2000, 0);
        Path copy = Files.copy(file, dir.resolve("copy.hlog"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> merge(file, copy));
        assertEquals("'" + file + "' and '" + copy + "' are both generator 'twice': the same log twice, or two runs"
                + " with one --tag", e.getMessage());
    }

    @Test
    void aTagThatTheLogFormatCannotHoldIsRefused() {
        for (String tag : new String[] {"", "a b", "a,b", "a=b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunTotals.checkTag(tag));
            assertEquals("a tag must be one word without ',' or '=': '" + tag + "'", e.getMessage());
        }
        assertNotEquals(null, RunTotals.checkTag("pod-3.echo-load:1234"), "expected a pod name with a pid accepted");
    }
}
