package dev.echo.bench.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured.
 *
 * @param config the run's settings
 * @param measuredSeconds length of the measured window
 * @param requests requests sent over the whole run, warmup included
 * @param responses answers received over the whole run, warmup included
 * @param measuredResponses answers received inside the measured window (the throughput's numerator)
 * @param mismatches answers that were not the expected one (content or order)
 * @param errorAnswers ErrorResponse answers to valid requests
 * @param connectionErrors connections that failed to open or broke
 * @param connectionsOpened connections that opened
 * @param latencyNanos latency of answers to requests sent in the measured window, in nanoseconds
 * @param firstProblem the first problem seen, or null
 */
public record LoadResult(LoadConfig config, double measuredSeconds, long requests, long responses,
                         long measuredResponses, long mismatches, long errorAnswers, long connectionErrors,
                         int connectionsOpened, Histogram latencyNanos, String firstProblem) {

    /** Answers per second inside the measured window. */
    public double throughput() {
        return measuredSeconds > 0 ? measuredResponses / measuredSeconds : 0;
    }

    public long errors() {
        return errorAnswers + connectionErrors;
    }

    /** At least one request, every request answered, each with the expected answer, and no connection failed. */
    public boolean clean() {
        return requests > 0 && mismatches == 0 && errors() == 0 && requests == responses;
    }

    /** The latency at {@code percentile} (0..100), in microseconds. */
    public double latencyMicros(double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxLatencyMicros() {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMaxValue() / 1000.0;
    }

    /** The run as JSON: the fields of issue 6, plus the settings that produced them (see {@link LoadReport}). */
    public String toJson() {
        return LoadReport.of(this).toJson();
    }

    /** A few human-readable lines. */
    public String summary() {
        String loop = config.openLoop()
                ? String.format(Locale.ROOT, "rate %.0f/s (latency from intended send time)", config.rate())
                : "closed loop";
        return String.format(Locale.ROOT, """
                echo-load: %s:%d %s, %d connections (%d opened), pipeline %d, %s, size %d, mix %d:%d
                  measured %.1f s after %.1f s warmup
                  requests %d  responses %d  mismatches %d  errors %d (%d error answers, %d connection errors)
                  throughput %.0f req/s
                  latency us  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f
                  verdict: %s""",
                config.host(), config.port(), config.framing().cliName(), config.connections(), connectionsOpened,
                config.pipeline(), loop, config.size(), config.echoWeight(), config.addWeight(), measuredSeconds,
                config.warmup().toMillis() / 1000.0, requests, responses, mismatches, errors(), errorAnswers,
                connectionErrors, throughput(), latencyMicros(50), latencyMicros(90), latencyMicros(99),
                latencyMicros(99.9), maxLatencyMicros(),
                clean() ? "every answer verified" : "FAILED: " + (firstProblem != null ? firstProblem
                        : requests == 0 ? "no request was sent, nothing verified (a rate too low for the duration?)"
                        : (requests - responses) + " requests unanswered"));
    }
}
