package dev.echo.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs every JMH benchmark once, very briefly and in this JVM, so that none of them can rot. */
class BenchmarksSmokeTest {

    @Test
    @Timeout(120)
    void everyBenchmarkRunsAndReportsAScore() throws Exception {
        Options options = new OptionsBuilder()
                .include("dev\\.echo\\.bench\\.jmh\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = new TreeSet<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            String label = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1) + result.getParams()
                    .getParamsKeys().stream().map(k -> " " + k + "=" + result.getParams().getParam(k)).reduce("", String::concat);
            double score = result.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), "expected a positive score for " + label + ", got " + score);
            ran.add(label);
        }
        Set<String> expected = new TreeSet<>();
        for (String framing : new String[] {"delimited", "raw"}) {
            for (String payload : new String[] {"ADD", "ECHO_13", "ECHO_1K"}) {
                expected.add("CodecBenchmark.decode framing=" + framing + " payload=" + payload);
                expected.add("CodecBenchmark.encode framing=" + framing + " payload=" + payload);
            }
        }
        for (String payload : new String[] {"ADD", "ECHO_13", "ECHO_1K"}) {
            expected.add("AnswerBenchmark.answer payload=" + payload);
            expected.add("AnswerBenchmark.answerByParsing payload=" + payload);
        }
        expected.add("RoundTripBenchmark.echoRoundTrip threadMode=platform:4");
        expected.add("RoundTripBenchmark.echoRoundTrip threadMode=virtual");
        expected.add("ClientCallBenchmark.echoCall window=1");
        expected.add("ClientCallBenchmark.echoCall window=64");
        assertEquals(expected, ran, "expected one result for every benchmark and parameter combination");
    }
}
