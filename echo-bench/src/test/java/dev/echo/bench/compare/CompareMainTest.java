package dev.echo.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.UsageException;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class CompareMainTest {

    private static LoadResult run(double throughput, long p99Micros) {
        Histogram latency = new Histogram(3);
        latency.recordValue(p99Micros * 1000);
        long answers = (long) throughput;
        return new LoadResult(LoadConfig.builder().build(), 1.0, answers, answers, answers, 0, 0, 0, 1, latency, null);
    }

    @Test
    void scenariosParseAsLockstepOrPipelined() {
        assertEquals(new Scenario("64 conns", 64, 1), Scenario.parse("64"), "expected 64 lockstep connections");
        assertEquals(new Scenario("1 conn, 64 in flight", 1, 64), Scenario.parse("1x64"), "expected 1 connection, 64 in flight");
        assertThrows(IllegalArgumentException.class, () -> Scenario.parse("0"), "expected 0 connections to be rejected");
        assertThrows(IllegalArgumentException.class, () -> Scenario.parse("ax2"), "expected 'ax2' to be rejected");
    }

    @Test
    void theMedianOfRoundsIsTheMiddleValue() {
        assertEquals(200.0, CompareMain.median(List.of(run(300, 1), run(100, 1), run(200, 1)), LoadResult::throughput),
                0.001, "expected the middle of 100, 200, 300");
        assertEquals(150.0, CompareMain.median(List.of(run(100, 1), run(200, 1)), LoadResult::throughput),
                0.001, "expected the mean of the two middle values");
    }

    @Test
    void theTableGivesEachServersRatioToNetty() throws UsageException {
        CompareMain.Settings settings = CompareMain.parse(new String[] {"--rounds", "1", "--root", "/nowhere"});
        Map<Scenario, Map<ServerKind, List<LoadResult>>> results = new LinkedHashMap<>();
        Map<ServerKind, List<LoadResult>> row = new EnumMap<>(ServerKind.class);
        row.put(ServerKind.VIRTUAL, List.of(run(1100, 50)));
        row.put(ServerKind.NETTY, List.of(run(1000, 100)));
        results.put(Scenario.parse("64"), row);
        String table = CompareMain.table(settings, results, Instant.EPOCH);
        assertTrue(table.contains("| 64 conns | echo-server (virtual) | 1100 | 1.10x |"),
                "expected 1100 req/s as 1.10x Netty in:\n" + table);
        assertTrue(table.contains("| 64 conns | netty | 1000 | 1.00x |"), "expected Netty as 1.00x in:\n" + table);
        assertTrue(table.contains("| 0.50x | yes |"), "expected a p99 of half Netty's as 0.50x in:\n" + table);
    }

    @Test
    void badCompareArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, () -> CompareMain.parse(new String[] {"--rounds", "0"}), "expected rounds 0 rejected");
        assertThrows(UsageException.class, () -> CompareMain.parse(new String[] {"--servers", "tomcat"}),
                "expected an unknown server rejected");
        assertThrows(UsageException.class, () -> CompareMain.parse(new String[] {"--scenarios", "1,x"}),
                "expected a bad scenario rejected");
    }
}
