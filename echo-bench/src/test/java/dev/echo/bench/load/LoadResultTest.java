package dev.echo.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadResultTest {

    private static LoadResult result(long mismatches, String problem) {
        Histogram latency = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            latency.recordValue(i * 1000L); // 1..1000 us
        }
        return new LoadResult(LoadConfig.builder().connections(4).build(), 2.0, 1000, 1000, 800, mismatches, 0, 0, 4,
                latency, problem);
    }

    @Test
    void jsonHoldsTheFieldsOfTheIssue() {
        String json = result(0, null).toJson();
        for (String field : new String[] {"connections", "duration_s", "requests", "responses", "mismatches",
                "errors", "throughput_rps"}) {
            assertTrue(Pattern.compile("\"" + field + "\": -?[0-9.]+[,\\n]").matcher(json).find(),
                    "expected a numeric \"" + field + "\" in:\n" + json);
        }
        Matcher latency = Pattern.compile("\"latency_us\": \\{([^}]*)}").matcher(json);
        assertTrue(latency.find(), "expected a latency_us object in:\n" + json);
        for (String field : new String[] {"p50", "p90", "p99", "p999", "max"}) {
            assertTrue(Pattern.compile("\"" + field + "\": [0-9.]+").matcher(latency.group(1)).find(),
                    "expected latency_us." + field + " in:\n" + json);
        }
        assertTrue(json.contains("\"throughput_rps\": 400.0"), "expected 800 answers / 2 s = 400 req/s in:\n" + json);
        assertTrue(json.contains("\"p50\": 500.") || json.contains("\"p50\": 499."), "expected p50 near 500 us in:\n" + json);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count(),
                "expected balanced braces");
    }

    @Test
    void aProblemIsEscapedInJsonAndMakesTheRunUnclean() {
        LoadResult bad = result(1, "expected \"a\"\nbut got b");
        assertFalse(bad.clean(), "expected a mismatch to make the run unclean");
        assertTrue(bad.toJson().contains("\"first_problem\": \"expected \\\"a\\\"\\nbut got b\""),
                "expected the problem escaped in:\n" + bad.toJson());
        assertTrue(bad.summary().contains("FAILED"), "expected the summary to say FAILED:\n" + bad.summary());
        assertTrue(result(0, null).clean(), "expected a run with every answer verified to be clean");
    }

    /** A run that sent nothing verified nothing: not clean, so echo-load exits 1 (it said "every answer verified"). */
    @Test
    void aRunThatSentNothingIsNotClean() {
        LoadResult empty = new LoadResult(LoadConfig.builder().connections(1).build(), 2.0, 0, 0, 0, 0, 0, 0, 1,
                new Histogram(3), null);
        assertFalse(empty.clean(), "expected a run of 0 requests not clean");
        assertTrue(empty.summary().contains("FAILED: no request was sent"), empty.summary());
    }

    @Test
    void theJsonReadsBackAsTheReportItWasWrittenFrom() throws Exception {
        LoadResult result = result(1, "expected \"a\"\nbut got b");
        LoadReport read = LoadReport.fromJson(result.toJson());
        assertEquals(LoadReport.of(result), read, "expected every field to survive the round trip");
        assertEquals(1000, read.requests(), "expected the requests");
        assertEquals(400.0, read.throughputRps(), "expected 800 answers / 2 s");
        assertEquals(1000, read.latencyUs().count(), "expected the latency count");
        assertEquals("1:0", read.mix(), "expected the mix as E:A");
    }

    @Test
    void aDocumentThatIsNotAResultIsRefusedWithAReason() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> LoadReport.fromJson("{\"requests\": 3}"));
        assertTrue(e.getMessage().contains("latency_us"), "expected the missing field named: " + e.getMessage());
    }
}
