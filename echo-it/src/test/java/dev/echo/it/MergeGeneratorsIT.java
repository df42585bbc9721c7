package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's load from many machines, on one: one echo-server process, three {@code echo-load run
 * --hdr-log --tag} generator processes against it at once, then {@code echo-load merge --json} of
 * their logs. The merged percentiles must be those of one histogram built here, with HdrHistogram's
 * own log reader, from all three logs; the merged counts must be the sums of what each generator's
 * own {@code --json} result says.
 */
class MergeGeneratorsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void threeGeneratorsMergeIntoThePercentilesOfEveryRequestAndTheirTotalsAdded() throws Exception {
        List<String> tags = List.of("gen-1", "gen-2", "gen-3");
        List<Integer> rates = List.of(200, 300, 500);
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0",
                "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(60));
            List<ServerProcess> generators = new ArrayList<>();
            try {
                for (int i = 0; i < tags.size(); i++) {
                    generators.add(load(tags.get(i), "run", "--port", Integer.toString(port), "--connections", "2",
                            "--rate", rates.get(i).toString(), "--warmup", "1s", "--duration", "3s", "--quiet",
                            "--hdr-log", log(tags.get(i)).toString(), "--json", result(tags.get(i)).toString(),
                            "--tag", tags.get(i)));
                }
                for (ServerProcess generator : generators) {
                    assertEquals(0, generator.awaitExit(DEADLINE), "expected every answer verified: "
                            + generator.describe());
                }
            } finally {
                generators.forEach(ServerProcess::close);
            }
        }

        JsonNode merged;
        try (ServerProcess merge = load("merge", "merge", "--json", log("gen-1").toString(), log("gen-2").toString(),
                log("gen-3").toString())) {
            assertEquals(0, merge.awaitExit(DEADLINE), "expected merge to exit 0: " + merge.describe());
            merged = JSON.readTree(String.join("\n", merge.stdout()));
        }

        Histogram everyLatency = new Histogram(3);
        long sent = 0;
        long answered = 0;
        long latencies = 0;
        for (int i = 0; i < tags.size(); i++) {
            Histogram own = readWithHdrHistogram(log(tags.get(i)));
            everyLatency.add(own);
            JsonNode result = JSON.readTree(Files.readString(result(tags.get(i))));
            JsonNode row = merged.get("generators").get(i);
            assertEquals(tags.get(i), row.get("tag").asText(), "expected the rows in the order of the files");
            assertEquals(result.get("requests").asLong(), row.get("sent").asLong(), tags.get(i) + "'s sent");
            assertEquals(result.get("responses").asLong(), row.get("answered").asLong(), tags.get(i) + "'s answered");
            assertEquals(result.get("latency_us").get("count").asLong(), own.getTotalCount(),
                    tags.get(i) + "'s log holds the latencies its --json counts");
            assertTrue(own.getTotalCount() > 0, tags.get(i) + " measured nothing");
            sent += result.get("requests").asLong();
            answered += result.get("responses").asLong();
            latencies += result.get("latency_us").get("count").asLong();
        }

        JsonNode total = merged.get("total");
        JsonNode latency = total.get("latency_us");
        assertEquals(micros(everyLatency.getValueAtPercentile(50)), latency.get("p50").asDouble(), "p50 of all: " + total);
        assertEquals(micros(everyLatency.getValueAtPercentile(90)), latency.get("p90").asDouble(), "p90 of all: " + total);
        assertEquals(micros(everyLatency.getValueAtPercentile(99)), latency.get("p99").asDouble(), "p99 of all: " + total);
        assertEquals(micros(everyLatency.getValueAtPercentile(99.9)), latency.get("p999").asDouble(),
                "p99.9 of all: " + total);
        assertEquals(micros(everyLatency.getMaxValue()), latency.get("max").asDouble(), "max of all: " + total);
        assertEquals(latencies, latency.get("count").asLong(), "expected every generator's latencies merged");
        assertEquals(sent, total.get("sent").asLong(), "expected the generators' sent requests added");
        assertEquals(answered, total.get("answered").asLong(), "expected the generators' answers added");
        assertEquals(sent, total.get("verified").asLong(), "expected every request sent verified");
        assertEquals(0, total.get("failed").asLong(), "expected no failed request");
        assertEquals(1000.0, total.get("offered_rate").asDouble(), "expected the offered rates added");
        assertEquals("intended_send", total.get("latency_from").asText(), "expected --rate's corrected latency");
    }

    /** {@code java -cp echo-bench.jar dev.echo.bench.LoadMain ARGS} as its own process. */
    private static ServerProcess load(String name, String... args) throws IOException {
        return ServerProcess.builder(benchJar()).name(name).mainClass("dev.echo.bench.LoadMain").args(args).start();
    }

    private static Path benchJar() {
        String root = System.getProperty("echo.repo.root");
        if (root == null) {
            throw new IllegalStateException("system property echo.repo.root is not set: run the suite through Maven"
                    + " (failsafe sets it)");
        }
        Path jar = Path.of(root, "echo-bench", "target", "echo-bench.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build echo-bench first (./mvnw verify builds it"
                    + " before echo-it)");
        }
        return jar;
    }

    private Path log(String tag) {
        return dir.resolve(tag + ".hlog");
    }

    private Path result(String tag) {
        return dir.resolve(tag + ".json");
    }

    /** A log's intervals added, read by HdrHistogram's own reader: apart from echo-bench's code. */
    private static Histogram readWithHdrHistogram(Path file) throws IOException {
        Histogram total = new Histogram(3);
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                total.add((Histogram) interval);
            }
        }
        return total;
    }

    /** Nanoseconds as the JSON shows them: microseconds, one decimal. */
    private static double micros(long nanos) {
        return Math.round(nanos / 1000.0 * 10) / 10.0;
    }
}
