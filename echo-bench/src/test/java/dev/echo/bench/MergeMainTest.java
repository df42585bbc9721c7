package dev.echo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.echo.bench.load.GeneratorLog;
import dev.echo.bench.load.LatencyLog;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code echo-load merge} as a command line, on logs written by {@link LatencyLog} as a run writes them. */
class MergeMainTest {

    @TempDir
    Path dir;

    /** A log of {@code count} latencies of {@code micros}, of which {@code mismatches} answers were wrong. */
    private Path log(String tag, int count, long micros, long mismatches) throws Exception {
        Histogram latencies = new Histogram(3);
        latencies.recordValueWithCount(micros * 1000, count);
        long now = System.currentTimeMillis();
        latencies.setStartTimeStamp(now);
        latencies.setEndTimeStamp(now + 1000);
        LoadConfig config = LoadConfig.builder().rate(count).build();
        Path file = dir.resolve(tag + ".hlog");
        try (LatencyLog log = LatencyLog.create(file, tag, config)) {
            log.write(latencies);
            log.finish(new LoadResult(config, 1.0, count, count, count, mismatches, 0, 0, 1, latencies,
                    mismatches == 0 ? null : "a mismatch"));
        }
        return file;
    }

    @Test
    void jsonHoldsEveryGeneratorAndTheirTotal() throws Exception {
        Path a = log("a", 900, 100, 0);
        Path b = log("b", 100, 5000, 0);
        LoadMainRun run = LoadMainRun.of("merge", "--json", a.toString(), b.toString());
        assertEquals(0, run.code(), "expected exit 0 when every request was verified: " + run.err());
        JsonNode json = JsonMapper.builder().build().readTree(run.out());
        assertEquals(2, json.get("generators").size(), run.out());
        JsonNode total = json.get("total");
        assertEquals(1000, total.get("sent").asLong(), run.out());
        assertEquals(1000, total.get("latency_us").get("count").asLong(), run.out());
        assertEquals(100.0, total.get("latency_us").get("p50").asDouble(), run.out());
        assertEquals(5000.0, total.get("latency_us").get("p99").asDouble(), 5, "expected the slow 10% at p99: " + run.out());
        assertEquals("", run.err(), "expected nothing on stderr");
    }

    @Test
    void theTableHasALinePerGeneratorAndExit1WhenOneFailed() throws Exception {
        LoadMainRun run = LoadMainRun.of("merge", log("gen-1", 500, 100, 0).toString(),
                log("gen-2", 500, 100, 3).toString());
        assertEquals(1, run.code(), "expected exit 1 when a generator saw a mismatch");
        assertTrue(run.out().lines().anyMatch(l -> l.strip().startsWith("gen-1 "))
                && run.out().lines().anyMatch(l -> l.strip().startsWith("gen-2 "))
                && run.out().lines().anyMatch(l -> l.strip().startsWith("all ")), run.out());
        assertTrue(run.out().contains("verdict: FAILED: 3 requests not verified"), run.out());
    }

    @Test
    void aGarbledFileIsOneLineAndExit2() throws Exception {
        Path good = log("good", 10, 100, 0);
        Path garbled = dir.resolve("garbled.hlog");
        Files.writeString(garbled, "this is not a log\n\u0000\u0001\u00ff");
        LoadMainRun run = LoadMainRun.of("merge", good.toString(), garbled.toString());
        assertEquals(2, run.code(), "expected exit 2 for a file that is not a log");
        assertEquals("echo-load merge: cannot merge '" + garbled + "': no '#echo-load totals:' line: not a log of"
                + " echo-load run --hdr-log, or its run did not finish", run.err().strip());
        assertEquals("", run.out(), "expected no partial table");
    }

    /**
     * A file of one endless line is refused at a bound, not read whole: {@code merge /dev/zero} took the
     * heap down with a trace. The bound is checked on a regular file of one line just over it.
     */
    @Test
    void aFileWithAnEndlessLineIsRefusedAtABound() throws Exception {
        Path oneLine = dir.resolve("one-line.hlog");
        Files.writeString(oneLine, "x".repeat(GeneratorLog.MAX_LINE_CHARS + 1));
        LoadMainRun run = LoadMainRun.of("merge", oneLine.toString());
        assertEquals("echo-load merge: cannot merge '" + oneLine + "': line 1 is longer than "
                + GeneratorLog.MAX_LINE_CHARS + " characters: not a log of echo-load run --hdr-log", run.err().strip());
        assertEquals(2, run.code());
    }

    @Test
    void aDeviceIsNotALog() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        LoadMainRun run = LoadMainRun.of("merge", "/dev/zero");
        assertEquals("echo-load merge: cannot merge '/dev/zero': not a regular file (a directory, a device or a pipe)",
                run.err().strip());
        assertEquals(2, run.code());
    }
}
