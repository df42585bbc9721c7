package dev.echo.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.LoadMain;
import dev.echo.cli.UsageException;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareMainTest {

    /** One second's run at {@code throughput} whose server spent 10 ms of CPU (2 user, 8 system) and no switches. */
    private static ServerRun run(double throughput, long p99Micros) {
        return run(throughput, p99Micros, new ProcessCpu(2_000, 8_000, 0, 0));
    }

    private static ServerRun run(double throughput, long p99Micros, ProcessCpu cpu) {
        Histogram latency = new Histogram(3);
        latency.recordValue(p99Micros * 1000);
        long answers = (long) throughput;
        return new ServerRun(new LoadResult(LoadConfig.builder().build(), 1.0, answers, answers, answers, 0, 0, 0, 1,
                latency, null), cpu);
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
        assertEquals(200.0, ComparisonTable.median(List.of(run(300, 1), run(100, 1), run(200, 1)), r -> r.load().throughput()),
                0.001, "expected the middle of 100, 200, 300");
        assertEquals(150.0, ComparisonTable.median(List.of(run(100, 1), run(200, 1)), r -> r.load().throughput()),
                0.001, "expected the mean of the two middle values");
    }

    @Test
    void theTableGivesEachServersRatioToNetty() throws UsageException {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--rounds", "1", "--root", "/nowhere"});
        Map<Scenario, Map<ServerKind, List<ServerRun>>> results = virtualAt1100AndNettyAt1000();
        String table = ComparisonTable.of(settings, results, Instant.EPOCH);
        assertTrue(table.contains("| 64 conns | echo-server (virtual) | 1100 | 1.10x |"),
                "expected 1100 req/s as 1.10x Netty in:\n" + table);
        assertTrue(table.contains("| 64 conns | netty | 1000 | 1.00x |"), "expected Netty as 1.00x in:\n" + table);
        assertTrue(table.contains("| 0.50x |"), "expected a p99 of half Netty's as 0.50x in:\n" + table);
        assertTrue(table.contains("| 9.1 | 1.8 | 7.3 | 0.91x | 0.00 | 0.00 | yes |"),
                "expected 10 ms over 1100 answers as 9.1 us (1.8 user, 7.3 sys), 0.91x Netty's 10.0 in:\n" + table);
    }

    @Test
    void contextSwitchesAreCountedPerAnsweredRequest() throws UsageException {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--rounds", "1", "--root", "/nowhere"});
        String table = ComparisonTable.of(settings, oneRow(Map.of(ServerKind.NETTY,
                run(1000, 100, new ProcessCpu(2_000, 8_000, 1_500, 250)))), Instant.EPOCH);
        assertTrue(table.contains("| 10.0 | 2.0 | 8.0 | 1.00x | 1.50 | 0.25 | yes |"),
                "expected 1,500 and 250 switches over 1000 answers as 1.50 and 0.25 in:\n" + table);
    }

    @Test
    void withoutProcTheCostColumnsSayDash() throws UsageException {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--rounds", "1", "--root", "/nowhere"});
        String table = ComparisonTable.of(settings, oneRow(Map.of(ServerKind.VIRTUAL, run(1100, 50, null),
                ServerKind.NETTY, run(1000, 100, null))), Instant.EPOCH);
        assertTrue(table.contains("| 64 conns | netty | 1000 | 1.00x | 100.0 | 100.0 | 1.00x | - | - | - | - | - | - | yes |"),
                "expected '-' in every cost column without /proc in:\n" + table);
    }

    @Test
    void theMedianCostIsOverTheRoundsWhereItWasRead() {
        List<ServerRun> runs = List.of(run(1000, 1, null), run(1000, 1, new ProcessCpu(3_000, 0, 0, 0)),
                run(1000, 1, new ProcessCpu(5_000, 0, 0, 0)));
        assertEquals(4.0, ComparisonTable.median(runs, r -> r.perRequest(ProcessCpu.PerRequest::cpuMicros)), 1e-9,
                "expected the median of 3 and 5 us, the unread round left out");
    }

    @Test
    void aPositionalArgumentIsOneLineAndExitCode2ForCompareAndScale() {
        for (String command : new String[] {"compare", "scale"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = LoadMain.run(new String[] {command, "--root", "/nowhere", "extra"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, code, "expected exit 2 for echo-load " + command + " extra");
            assertEquals("echo-load " + command + ": unexpected argument 'extra' (try --help)\n",
                    err.toString(StandardCharsets.UTF_8), "expected one line naming the argument");
            assertEquals("", out.toString(StandardCharsets.UTF_8), "expected nothing on stdout");
        }
    }

    /** The table was written only after the whole comparison (minutes), and then failed. */
    @Test
    void anUnwritableOutIsRefusedBeforeTheRun() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadMain.run(new String[] {"compare", "--out", "/missing/dir/t.md"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code, "expected exit 2: " + err);
        assertEquals("echo-load compare: invalid --out '/missing/dir/t.md': directory /missing/dir does not exist\n",
                err.toString(StandardCharsets.UTF_8), "one line, before any server starts");
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing run");
    }

    @Test
    void badCompareArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, () -> CompareMain.COMMAND.parse(new String[] {"--rounds", "0"}), "expected rounds 0 rejected");
        assertThrows(UsageException.class, () -> CompareMain.COMMAND.parse(new String[] {"--servers", "tomcat"}),
                "expected an unknown server rejected");
        assertThrows(UsageException.class, () -> CompareMain.COMMAND.parse(new String[] {"--scenarios", "1,x"}),
                "expected a bad scenario rejected");
    }

    /** One "64 conns" row with one run per server. */
    private static Map<Scenario, Map<ServerKind, List<ServerRun>>> oneRow(Map<ServerKind, ServerRun> runs) {
        Map<ServerKind, List<ServerRun>> row = new EnumMap<>(ServerKind.class);
        runs.forEach((kind, result) -> row.put(kind, List.of(result)));
        Map<Scenario, Map<ServerKind, List<ServerRun>>> results = new LinkedHashMap<>();
        results.put(Scenario.parse("64"), row);
        return results;
    }

    private static Map<Scenario, Map<ServerKind, List<ServerRun>>> virtualAt1100AndNettyAt1000() {
        return oneRow(Map.of(ServerKind.VIRTUAL, run(1100, 50), ServerKind.NETTY, run(1000, 100)));
    }

    /** A jar holding only {@code entry}: enough for --baseline-jar's check, never started here. */
    private static Path jarWith(Path dir, String entry) throws IOException {
        Path jar = dir.resolve("echo-server.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void aBaselineJarAddsTheBaselineServerAfterTheOthers(@TempDir Path dir) throws Exception {
        Path jar = jarWith(dir, "dev/echo/server/Main.class");
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--servers", "virtual,netty",
                "--baseline-jar", jar.toString(), "--root", "/nowhere"});
        assertEquals(List.of(ServerKind.VIRTUAL, ServerKind.NETTY, ServerKind.BASELINE), settings.servers(),
                "expected the baseline appended to the servers listed");
        assertEquals(jar.toAbsolutePath(), settings.baselineJar(), "expected the --baseline-jar path");
        assertEquals(jar.toAbsolutePath(), settings.jar(ServerKind.BASELINE), "expected the baseline to run its jar");
        assertEquals(ServerKind.VIRTUAL.args(100, 8), ServerKind.BASELINE.args(100, 8),
                "expected the baseline started with the virtual row's arguments");
    }

    @Test
    void baselineArgsGoToTheBaselineServerOnlyAfterTheVirtualRowsArguments(@TempDir Path dir) throws Exception {
        String jar = jarWith(dir, "dev/echo/server/Main.class").toString();
        for (String[] args : List.of(
                new String[] {"--baseline-jar", jar, "--baseline-args", "--metrics-port 0", "--root", "/nowhere"},
                new String[] {"--baseline-jar", jar, "--baseline-args=  --metrics-port   0 ", "--root", "/nowhere"})) {
            CompareMain.Settings settings = CompareMain.COMMAND.parse(args);
            assertEquals(List.of("--metrics-port", "0"), settings.baselineArgs(), "expected two words from "
                    + List.of(args));
            List<String> expected = new ArrayList<>(ServerKind.VIRTUAL.args(164, 1024));
            expected.addAll(List.of("--metrics-port", "0"));
            assertEquals(expected, settings.serverArgs(ServerKind.BASELINE, 164),
                    "expected the baseline's command line to end with the --baseline-args");
            assertEquals(ServerKind.VIRTUAL.args(164, 1024), settings.serverArgs(ServerKind.VIRTUAL, 164),
                    "expected the virtual row without them");
            assertEquals(ServerKind.NETTY.args(164, 1024), settings.serverArgs(ServerKind.NETTY, 164),
                    "expected the Netty row without them");
        }
    }

    @Test
    void theBaselineArgsAreNamedAboveTheTable(@TempDir Path dir) throws Exception {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--root", "/nowhere", "--baseline-jar",
                jarWith(dir, "dev/echo/server/Main.class").toString(), "--baseline-args", "--metrics-port 0"});
        String table = ComparisonTable.of(settings, virtualAt1100AndNettyAt1000(), Instant.EPOCH);
        assertTrue(table.contains("run like the virtual row with --metrics-port 0 added."),
                "expected the extra arguments named in:\n" + table);
    }

    @Test
    void baselineArgsWithoutABaselineJarAreAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> CompareMain.COMMAND.parse(new String[] {"--baseline-args", "--metrics-port 0"}),
                "expected --baseline-args alone rejected");
        assertEquals("--baseline-args '--metrics-port 0' needs --baseline-jar: they are arguments for that server only",
                e.getMessage(), "expected the option, its value and what it needs");
    }

    @Test
    void withoutBaselineArgsTheBaselineRunsLikeTheVirtualRow(@TempDir Path dir) throws Exception {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--root", "/nowhere", "--baseline-jar",
                jarWith(dir, "dev/echo/server/Main.class").toString()});
        assertEquals(List.of(), settings.baselineArgs(), "expected no extra arguments");
        assertEquals(settings.serverArgs(ServerKind.VIRTUAL, 100), settings.serverArgs(ServerKind.BASELINE, 100),
                "expected the virtual row's arguments");
    }

    @Test
    void withoutABaselineJarThereIsNoBaseline() throws UsageException {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--root", "/nowhere"});
        assertNull(settings.baselineJar(), "expected no baseline jar");
        assertFalse(settings.servers().contains(ServerKind.BASELINE), "expected no baseline server");
    }

    @Test
    void aMissingNonJarOrForeignBaselineJarIsAUsageError(@TempDir Path dir) throws IOException {
        Path notAJar = Files.writeString(dir.resolve("notes.txt"), "not a jar");
        Path foreign = jarWith(dir, "org/example/Main.class");
        for (String path : new String[] {dir.resolve("absent.jar").toString(), dir.toString(), notAJar.toString(),
                foreign.toString()}) {
            UsageException e = assertThrows(UsageException.class,
                    () -> CompareMain.COMMAND.parse(new String[] {"--baseline-jar", path}), "expected " + path + " rejected");
            assertTrue(e.getMessage().startsWith("--baseline-jar ") && e.getMessage().contains(path),
                    "expected the option and the path in: " + e.getMessage());
        }
    }

    @Test
    void aMissingBaselineJarIsOneLineOnStderrAndExitCode2(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadMain.run(new String[] {"compare", "--baseline-jar", dir.resolve("absent.jar").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, "expected exit 2 for a missing --baseline-jar");
        assertEquals(1, stderr.strip().lines().count(), "expected exactly one line on stderr: " + stderr);
        assertTrue(stderr.startsWith("echo-load compare: --baseline-jar "), "expected the tool and option named: " + stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "expected nothing on stdout");
    }

    @Test
    void theHelpListsTheBaselineJar() {
        assertTrue(CompareMain.SPEC.help().contains("--baseline-jar PATH"), "expected --baseline-jar in:\n" + CompareMain.SPEC.help());
        assertTrue(CompareMain.SPEC.help().contains("--baseline-args ARGS"), "expected --baseline-args in:\n" + CompareMain.SPEC.help());
    }

    @Test
    void theBaselineIsNotAServerToName() {
        UsageException e = assertThrows(UsageException.class,
                () -> CompareMain.COMMAND.parse(new String[] {"--servers", "virtual,baseline"}), "expected 'baseline' rejected");
        assertTrue(e.getMessage().contains("--baseline-jar"), "expected a pointer to --baseline-jar in: " + e.getMessage());
    }

    @Test
    void theBaselineTableGivesVirtualsRatiosToTheBaseline(@TempDir Path dir) throws Exception {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--rounds", "1", "--root", "/nowhere",
                "--baseline-jar", jarWith(dir, "dev/echo/server/Main.class").toString()});
        Map<Scenario, Map<ServerKind, List<ServerRun>>> results = oneRow(Map.of(ServerKind.VIRTUAL, run(1200, 50),
                ServerKind.BASELINE, run(1000, 100), ServerKind.NETTY, run(1000, 100)));
        String table = ComparisonTable.of(settings, results, Instant.EPOCH);
        assertTrue(table.contains("| 64 conns | baseline (virtual) | 1000 | 1.00x |"),
                "expected the baseline row with its ratio to Netty in:\n" + table);
        assertTrue(table.contains("| scenario | virtual (req/s) | baseline (req/s) | throughput vs baseline |"),
                "expected the virtual vs baseline table in:\n" + table);
        assertTrue(table.contains("| 64 conns | 1200 | 1000 | 1.20x |"), "expected 1.20x the baseline's throughput in:\n" + table);
        assertTrue(table.contains("| 0.50x |"), "expected half the baseline's p99 as 0.50x in:\n" + table);
    }

    @Test
    void withoutABaselineThereIsNoBaselineTable() throws UsageException {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--rounds", "1", "--root", "/nowhere"});
        Map<Scenario, Map<ServerKind, List<ServerRun>>> results = virtualAt1100AndNettyAt1000();
        assertFalse(ComparisonTable.of(settings, results, Instant.EPOCH).contains("vs baseline"),
                "expected no baseline table without a baseline");
    }
}
