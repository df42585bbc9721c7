package dev.echo.bench.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import org.HdrHistogram.Histogram;

/**
 * A load run's result as JSON, the one definition of the document that {@code echo-load --json}
 * writes and {@code echo-load scale} reads back: {@link #toJson()} and {@link #fromJson(String)}
 * go through the same record, so the two directions cannot drift apart. Latencies are in
 * microseconds with one decimal, as in the summary.
 *
 * @param host server address
 * @param port server port
 * @param framing the framing's command-line name
 * @param connections connections asked for
 * @param connectionsOpened connections that opened
 * @param pipeline requests in flight per connection
 * @param rate total requests per second, 0 = closed loop
 * @param size echo content bytes
 * @param mix "E:A", the echo to add ratio
 * @param warmupSeconds unmeasured time after connecting
 * @param durationSeconds length of the measured window
 * @param requests requests sent, warmup included
 * @param responses answers received, warmup included
 * @param measuredResponses answers inside the measured window
 * @param mismatches answers that were not the expected one
 * @param errors error answers plus connection errors
 * @param errorAnswers ErrorResponse answers to valid requests
 * @param connectionErrors connections that failed to open or broke
 * @param throughputRps answers per second in the measured window
 * @param latencyUs latency percentiles of the measured window
 * @param firstProblem the first problem seen, or null
 */
public record LoadReport(String host, int port, String framing, int connections,
                         @JsonProperty("connections_opened") int connectionsOpened, int pipeline, double rate,
                         int size, String mix, @JsonProperty("warmup_s") double warmupSeconds,
                         @JsonProperty("duration_s") double durationSeconds, long requests, long responses,
                         @JsonProperty("measured_responses") long measuredResponses, long mismatches, long errors,
                         @JsonProperty("error_answers") long errorAnswers,
                         @JsonProperty("connection_errors") long connectionErrors,
                         @JsonProperty("throughput_rps") double throughputRps,
                         @JsonProperty("latency_us") Latency latencyUs,
                         @JsonProperty("first_problem") String firstProblem) {

    /**
     * Percentiles in microseconds.
     *
     * @param count how many latencies were recorded in the measured window
     */
    public record Latency(double p50, double p90, double p99, double p999, double max, long count) {

        /** The percentiles of {@code nanos} in microseconds, rounded to tenths as the summary shows them; 0 when empty. */
        public static Latency of(Histogram nanos) {
            return new Latency(micros(nanos, 50), micros(nanos, 90), micros(nanos, 99), micros(nanos, 99.9),
                    nanos.getTotalCount() == 0 ? 0 : tenths(nanos.getMaxValue() / 1000.0), nanos.getTotalCount());
        }

        private static double micros(Histogram nanos, double percentile) {
            return nanos.getTotalCount() == 0 ? 0 : tenths(nanos.getValueAtPercentile(percentile) / 1000.0);
        }
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule().addSerializer(Double.class, new PlainDouble())
                    .addSerializer(double.class, new PlainDouble()))
            // A reader of an older or newer echo-load's file takes the fields it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** Two-space indent and {@code "name": value}, the layout the README and earlier files show; merge's too. */
    static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    /** The report of {@code result}, its figures rounded as the summary shows them. */
    public static LoadReport of(LoadResult result) {
        LoadConfig config = result.config();
        return new LoadReport(config.host(), config.port(), config.framing().cliName(), config.connections(),
                result.connectionsOpened(), config.pipeline(), config.rate(), config.size(),
                config.echoWeight() + ":" + config.addWeight(), config.warmup().toMillis() / 1000.0,
                millis(result.measuredSeconds()), result.requests(), result.responses(), result.measuredResponses(),
                result.mismatches(), result.errors(), result.errorAnswers(), result.connectionErrors(),
                tenths(result.throughput()),
                Latency.of(result.latencyNanos()),
                result.firstProblem());
    }

    /** The JSON document, pretty-printed, ending in a newline. */
    public String toJson() {
        try {
            return WRITER.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a load report cannot fail to serialise: " + this, e);
        }
    }

    /**
     * Reads a document {@link #toJson()} wrote.
     *
     * @throws IOException naming what is wrong when {@code json} is not such a document
     */
    public static LoadReport fromJson(String json) throws IOException {
        LoadReport report = MAPPER.readValue(json, LoadReport.class);
        if (report == null || report.latencyUs() == null) {
            throw new IOException("not an echo-load result (no latency_us): "
                    + (json.length() > 80 ? json.substring(0, 80) + "..." : json));
        }
        return report;
    }

    static double tenths(double value) {
        return Math.round(value * 10) / 10.0;
    }

    static double millis(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** Doubles in plain notation: a 12-second maximum reads 12000000.0 us, not 1.2E7. */
    private static final class PlainDouble extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                out.writeNumber(BigDecimal.valueOf(value).toPlainString());
            } else {
                out.writeNull(); // JSON has no NaN; the rates and latencies here are always finite
            }
        }
    }
}
