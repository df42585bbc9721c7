package dev.echo.bench;

import dev.echo.cli.UsageException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.echo.bench.load.LoadConfig;
import dev.echo.core.Framing;
import dev.echo.testkit.FullOutput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LoadMainTest {

    @Test
    void defaultsAreOneClosedLoopConnectionToLocalhost8080() throws Exception {
        LoadConfig config = LoadMain.parse(new String[0]).config();
        assertEquals(LoadConfig.builder().build(), config, "expected the documented defaults");
        assertEquals("127.0.0.1", config.host(), "expected host 127.0.0.1");
        assertEquals(8080, config.port(), "expected port 8080");
        assertEquals(1, config.connections(), "expected 1 connection");
        assertEquals(Duration.ofSeconds(10), config.duration(), "expected 10 s");
    }

    @Test
    void everyOptionIsParsed() throws Exception {
        LoadMain.Invocation invocation = LoadMain.parse(new String[] {"--host", "127.0.0.2", "--port", "9000",
                "--framing", "raw", "--connections", "64", "--connect-rate", "500", "--duration", "1500ms",
                "--warmup", "0", "--rate", "10000", "--pipeline", "8", "--size", "1024", "--mix", "9:1",
                "--timeout", "3s", "--json", "out.json", "--hdr-log", "out.hlog", "--tag", "pod-3", "--quiet"});
        LoadConfig c = invocation.config();
        assertEquals("127.0.0.2", c.host(), "expected --host");
        assertEquals(9000, c.port(), "expected --port");
        assertEquals(Framing.RAW, c.framing(), "expected --framing raw");
        assertEquals(64, c.connections(), "expected --connections");
        assertEquals(500.0, c.connectRate(), "expected --connect-rate");
        assertEquals(Duration.ofMillis(1500), c.duration(), "expected --duration 1500ms");
        assertEquals(Duration.ZERO, c.warmup(), "expected --warmup 0");
        assertEquals(10_000.0, c.rate(), "expected --rate");
        assertEquals(8, c.pipeline(), "expected --pipeline");
        assertEquals(1024, c.size(), "expected --size");
        assertEquals(9, c.echoWeight(), "expected echo weight 9");
        assertEquals(1, c.addWeight(), "expected add weight 1");
        assertEquals(Duration.ofSeconds(3), c.timeout(), "expected --timeout");
        assertEquals("out.json", invocation.json().toString(), "expected --json");
        assertEquals("out.hlog", invocation.hdrLog().toString(), "expected --hdr-log");
        assertEquals("pod-3", invocation.tag(), "expected --tag");
        assertTrue(!c.progress(), "expected --quiet to turn progress off");
    }

    @Test
    void helpIsNotAnError() throws Exception {
        assertNull(LoadMain.parse(new String[] {"--help"}), "expected --help to parse as a help request");
        LoadMainRun run = LoadMainRun.of("--help");
        assertEquals(0, run.code(), "expected exit 0 for --help");
        for (String option : new String[] {"--connections", "--connect-rate", "--duration", "--warmup", "--rate",
                "--pipeline", "--size", "--mix", "--json", "--framing"}) {
            assertTrue(run.out().contains(option), "expected --help to list " + option + ":\n" + run.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port=x", "--port=0", "--connections=0", "--pipeline=-1", "--mix=1", "--mix=0:0",
            "--duration=soon", "--framing=json", "--rate=-5", "--size=99999999", "--bogus", "extra"})
    void aBadArgumentIsOneLineOnStderrAndExitCode2(String argument) {
        LoadMainRun run = LoadMainRun.of(argument);
        assertEquals(2, run.code(), "expected exit 2 for " + argument);
        assertEquals(1, run.err().strip().lines().count(), "expected exactly one line on stderr for " + argument + ": " + run.err());
        assertTrue(run.err().startsWith("echo-load: "), "expected the line to name the tool: " + run.err());
        assertEquals("", run.out(), "expected nothing on stdout for " + argument);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port abc          | echo-load: invalid --port 'abc': expected a whole number from 1 to 65535",
        "-p                  | echo-load: --port needs a value: expected a whole number from 1 to 65535",
        "--mix 1             | echo-load: invalid --mix '1': expected two weights E:A such as 1:0 or 9:1",
        "--duration 0        | echo-load: invalid --duration '0': expected a duration more than zero, like 500ms, 30s or 5m",
        "compare --rounds 0  | echo-load compare: invalid --rounds '0': expected a whole number of at least 1",
        "scale --server tomcat | echo-load scale: invalid --server 'tomcat': expected virtual, platform or netty",
        "run --hdr-log x.hlog --tag a,b | echo-load: invalid --tag 'a,b': expected one word without ',' or '='",
        "--tag gen-1         | echo-load: --tag names this generator in its --hdr-log: give --hdr-log FILE too",
        "--size 3000000      | echo-load: invalid --size '3000000': expected a whole number from 0 to 1048576",
        "--hdr-log -         | echo-load: invalid --hdr-log '-': expected a file (the log does not go to standard output)",
        "--hdr-log x.out --json ./x.out | echo-load: --json and --hdr-log name the same file './x.out': one would overwrite the other",
        "merge               | echo-load merge: expected one or more logs of echo-load run --hdr-log (try --help)",
        "merge no-such.hlog  | echo-load merge: cannot merge 'no-such.hlog': no such file or directory",
        "merge --jsn x.hlog  | echo-load merge: unknown option '--jsn' (try --help)",
    })
    void everyToolOfEchoLoadReportsMistakesInTheOneFormat(String line, String message) {
        LoadMainRun run = LoadMainRun.of(line.trim().split(" +"));
        assertEquals(2, run.code(), "expected exit 2 for " + line);
        assertEquals(message, run.err().strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "compare", "scale", "merge", "netty-server"})
    void everyToolOfEchoLoadHasTheSharedHelpAndVersion(String tool) {
        String name = ("echo-load " + tool).strip();
        LoadMainRun help = LoadMainRun.of((tool + " --help").strip().split(" "));
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("usage: " + name + " "), help.out());
        assertTrue(help.out().lines().allMatch(l -> l.length() <= 100 && !l.endsWith(" ")), "at most 100 columns:\n" + help.out());
        LoadMainRun version = LoadMainRun.of((tool + " -V").strip().split(" "));
        assertTrue(version.out().matches(java.util.regex.Pattern.quote(name) + " \\S+\\R"), version.out());
    }

    /** Output that went nowhere ({@code > /dev/full}) is not a success, in every echo-load tool. */
    @ParameterizedTest
    @ValueSource(strings = {"", "compare", "scale", "merge", "netty-server"})
    void aStdoutThatTakesNothingIsExitOneWithOneLine(String tool) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadMain.run((tool + " --help").strip().split(" "), FullOutput.printStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(("echo-load " + tool).strip() + ": cannot write to standard output\n",
                err.toString(StandardCharsets.UTF_8), "the line names the subcommand, as its other lines do");
        assertEquals(1, code, "expected exit 1, as for any output that cannot be written");
    }

    /**
     * A log file that takes nothing (a full disk; Linux's /dev/full) is told before the run, with the
     * system's reason: it was told after the run, as "cannot write the HdrHistogram log /dev/full".
     */
    @Test
    void anHdrLogThatTakesNothingIsToldBeforeTheRunWithTheReason() {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs Linux's /dev/full");
        // Port 1: nothing listens there, so a run that started would say so instead.
        LoadMainRun run = LoadMainRun.of("--port", "1", "--duration", "1s", "--hdr-log", "/dev/full");
        assertEquals("echo-load: cannot write --hdr-log '/dev/full': No space left on device", run.err().strip());
        assertEquals(1, run.code(), "expected exit 1, as for any file that cannot be written");
        assertEquals("", run.out(), "expected no run");
    }

    @Test
    void runIsTheNameOfTheBareForm() {
        LoadMainRun run = LoadMainRun.of("run", "--help");
        assertEquals(0, run.code(), run.err());
        assertEquals(LoadMainRun.of("--help").out(), run.out(), "expected run --help to be the bare form's help");
        LoadMainRun bad = LoadMainRun.of("run", "--connections", "0");
        assertEquals(2, bad.code(), "expected run to check options as the bare form does");
        assertEquals(LoadMainRun.of("--connections", "0").err(), bad.err(), "expected the bare form's message");
    }

    @Test
    void theDefaultTagIsTheHostNameAndThePid() throws Exception {
        String tag = LoadMain.parse(new String[] {"--hdr-log", "out.hlog"}).tag();
        assertTrue(tag.endsWith(":" + ProcessHandle.current().pid()) && tag.length() > 1 + Long.toString(
                ProcessHandle.current().pid()).length(), "expected HOST:PID, got " + tag);
        assertNull(LoadMain.parse(new String[0]).tag(), "expected no tag without a log to put it in");
    }

    @Test
    void aBadArgumentNamesTheOptionAndTheValue() {
        UsageException e = assertThrows(UsageException.class, () -> LoadMain.parse(new String[] {"--connections", "many"}),
                "expected a usage error");
        assertTrue(e.getMessage().contains("--connections") && e.getMessage().contains("many"),
                "expected the option and the bad value in: " + e.getMessage());
    }

    @Test
    void compareRefusesMissingJarsWithTheBuildCommand() {
        LoadMainRun run = LoadMainRun.of("compare", "--root", System.getProperty("java.io.tmpdir"));
        assertEquals(2, run.code(), "expected exit 2 when a jar is missing");
        assertTrue(run.err().contains("./mvnw") && run.err().strip().lines().count() == 1,
                "expected one line naming the ./mvnw command: " + run.err());
    }
}
