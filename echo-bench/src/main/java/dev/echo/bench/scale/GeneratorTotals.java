package dev.echo.bench.scale;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What the load generators of a scale run measured together: their counts added, and their latency
 * histograms merged, so the percentiles are those of every request, not a percentile of percentiles.
 *
 * @param requests requests sent by all generators
 * @param responses answers they received
 * @param mismatches wrong answers
 * @param errors error answers and connection errors
 * @param throughput answers per second, summed over the generators
 * @param latencyNanos every measured request's latency, in nanoseconds
 * @param p99PerGeneratorMicros each generator's own p99, for seeing how far they differ
 * @param clean every generator exited 0 (every answer verified)
 */
record GeneratorTotals(long requests, long responses, long mismatches, long errors, double throughput,
                       Histogram latencyNanos, List<Double> p99PerGeneratorMicros, boolean clean) {

    static GeneratorTotals of(List<Generator.Measured> generators) {
        long requests = 0;
        long responses = 0;
        long mismatches = 0;
        long errors = 0;
        double throughput = 0;
        boolean clean = true;
        Histogram all = new Histogram(3);
        for (Generator.Measured g : generators) {
            requests += g.report().requests();
            responses += g.report().responses();
            mismatches += g.report().mismatches();
            errors += g.report().errors();
            throughput += g.report().throughputRps();
            clean &= g.exitCode() == 0;
            all.add(g.latencyNanos());
        }
        List<Double> p99s = generators.stream().map(g -> micros(g.latencyNanos(), 99)).toList();
        return new GeneratorTotals(requests, responses, mismatches, errors, throughput, all, p99s, clean);
    }

    /** The latency at {@code percentile} (0..100) of all requests, in microseconds; 0 when none was measured. */
    double latencyMicros(double percentile) {
        return micros(latencyNanos, percentile);
    }

    private static double micros(Histogram latencyNanos, double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }
}
