package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.cli.CliOption;
import dev.echo.cli.ReadmeTables;
import dev.echo.cli.UsageException;
import dev.echo.core.Messages;
import dev.echo.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line, run in-process: Main.run returns the exit code instead of exiting. */
class MainTest {

    /** Captures one stream as text. */
    private static final class Captured {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        Captured out = new Captured();
        Captured err = new Captured();
        int code = Main.run(args, out.stream, err.stream, new CountDownLatch(0), () -> {});
        return new Result(code, out.text(), err.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--port x", "--port 70000", "--port -1", "--framing json", "--threads platform:0", "--threads green",
        "--idle-timeout 5", "--idle-timeout 0s", "--grace soon", "--max-frame-bytes 0", "--max-connections -3",
        "--max-frame-bytes 2147483647", "--max-frame-bytes 268435457", "--max-buffered-bytes 0", "--max-buffered-bytes lots",
        "--log-level loud", "--stats-interval soon", "--no-such-option", "--port", "extra-argument",
        "--tls-cert server.pem", "--tls-key server.key", "--tls-client-ca ca.pem", "--tls-client-auth require",
        "--tls-cert a.pem --tls-key a.key --tls-client-auth require", "--tls-cert a.pem --tls-key a.key --tls-client-auth maybe",
        "--tls-cert a.pem --tls-key a.key --tls-protocols TLSv1.1", "--tls-cert a.pem --tls-key a.key --tls-handshake-timeout 0s",
        // From an attacker's round: each was accepted, and ran a server that did not do what the line said.
        "--tls-protocols TLSv1.3", "--tls-protocols TLSv1.1", "--tls-handshake-timeout 5s", "--tls-reload-interval 1s",
        "--threads platform:999999999", "--threads platform:32769", "--max-buffered-bytes 1",
        "--max-frame-bytes 1024 --max-buffered-bytes 1023"
    })
    void badArgumentGivesOneLineOnStderrAndExitCode2(String line) {
        Result result = run(line.split(" "));
        assertEquals(2, result.exitCode(), "expected exit code 2 for '" + line + "'");
        assertEquals("", result.out(), "expected nothing on stdout for '" + line + "'");
        assertEquals(1, result.err().lines().count(), "expected exactly one line on stderr, got: " + result.err());
        assertTrue(result.err().startsWith("echo-server: "), "expected the line to name the program, got: " + result.err());
    }

    @Test
    void aTlsFileThatCannotBeReadStopsTheStartWithOneLineNamingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("server.pem"), "-----BEGIN CERTIFICATE-----\nMIIB");
        Result result = run("--port", "0", "--tls-cert", cert.toString(), "--tls-key", dir.resolve("missing.key").toString());
        assertEquals(2, result.exitCode(), "expected exit code 2 for a TLS file that cannot be used");
        assertEquals(1, result.err().lines().count(), "expected exactly one line on stderr, got: " + result.err());
        assertTrue(result.err().startsWith("echo-server: ") && result.err().contains("server.pem"),
                "expected the line to name the file, got: " + result.err());
        assertEquals("", result.out(), "expected no listening line");
    }

    @Test
    void portInUseGivesOneLineOnStderrAndExitCode2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Result result = run("--port", Integer.toString(taken.getLocalPort()));
            assertEquals(2, result.exitCode(), "expected exit code 2 for a port in use");
            assertEquals(1, result.err().lines().count(), "expected exactly one line on stderr, got: " + result.err());
            assertTrue(result.err().contains("127.0.0.1:" + taken.getLocalPort()),
                    "expected the line to name the address, got: " + result.err());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port abc          | echo-server: invalid --port 'abc': expected a whole number from 0 to 65535",
        "--port              | echo-server: --port needs a value: expected a whole number from 0 to 65535",
        "-p 70000            | echo-server: invalid --port '70000': expected a whole number from 0 to 65535",
        "--framing json      | echo-server: invalid --framing 'json': expected delimited or raw",
        "--threads green     | echo-server: invalid --threads 'green': expected virtual, platform or platform:N with N from 1 to 32768",
        "--max-frame-bytes 268435457 | echo-server: invalid --max-frame-bytes '268435457': expected a whole number from 1 to 268435456",
        "--idle-timeout 0    | echo-server: invalid --idle-timeout '0': expected a duration more than zero, like 500ms, 30s or 5m",
        "--log-level loud    | echo-server: invalid --log-level 'loud': expected one of error, warn, info, debug, trace",
    })
    void badValuesAreReportedInTheToolkitsOneFormat(String line, String message) {
        Result result = run(line.trim().split(" +"));
        assertEquals(2, result.exitCode(), "expected exit code 2 for '" + line + "'");
        assertEquals(message, result.err().strip());
    }

    @Test
    void statsIntervalZeroMeansOffAsHelpSays() throws Exception {
        CommandLineOptions.Parsed parsed = CommandLineOptions.parse(new String[] {"--stats-interval", "0"}, Map.of());
        assertNull(parsed.statsInterval(), "expected 0 to turn the snapshots off");
        assertEquals(Duration.ofSeconds(10),
                CommandLineOptions.parse(new String[] {"--stats-interval", "10s"}, Map.of()).statsInterval());
    }

    /**
     * A heap of 16 MiB made a default budget of 2 MiB under the 4 MiB frame limit, an attacker found:
     * every frame over 2 MiB refused. The default is raised to the frame limit; a given budget below it is refused.
     */
    @Test
    void theBufferBudgetHoldsAtLeastOneFrameOfTheAllowedSize() throws Exception {
        long smallHeapsEighth = 2L << 20;
        assertEquals(4L << 20, CommandLineOptions.bufferBudget(null, 4L << 20, smallHeapsEighth), "expected the default raised");
        assertEquals(smallHeapsEighth, CommandLineOptions.bufferBudget(null, 1024, smallHeapsEighth), "expected the default kept");
        assertEquals(8L << 20, CommandLineOptions.bufferBudget(8L << 20, 4L << 20, smallHeapsEighth), "expected the given budget");
        assertEquals("invalid --max-buffered-bytes '1023': expected at least --max-frame-bytes (1024), or no frame of that size"
                + " could ever be read", assertThrows(UsageException.class,
                () -> CommandLineOptions.bufferBudget(1023L, 1024, smallHeapsEighth)).getMessage());
    }

    @Test
    void everyOptionMayComeFromItsEnvironmentVariableAndAFlagWins() throws Exception {
        Map<String, String> environment = Map.ofEntries(Map.entry("ECHO_HOST", "0.0.0.0"), Map.entry("ECHO_PORT", "9000"),
                Map.entry("ECHO_FRAMING", "raw"), Map.entry("ECHO_MAX_FRAME_BYTES", "1024"),
                Map.entry("ECHO_MAX_BUFFERED_BYTES", "65536"), Map.entry("ECHO_MAX_CONNECTIONS", "7"),
                Map.entry("ECHO_IDLE_TIMEOUT", "30s"), Map.entry("ECHO_THREADS", "platform:3"), Map.entry("ECHO_GRACE", "0"),
                Map.entry("ECHO_STATS_INTERVAL", "1m"), Map.entry("ECHO_METRICS_PORT", "9090"),
                Map.entry("ECHO_METRICS_HOST", "0.0.0.0"));
        CommandLineOptions.Parsed fromEnvironment = CommandLineOptions.parse(new String[0], environment);
        ServerConfig config = fromEnvironment.config();
        assertEquals(List.of("0.0.0.0", 9000, dev.echo.core.Framing.RAW, 1024, 65536L, 7, Duration.ofSeconds(30),
                        ThreadMode.parse("platform:3"), Duration.ZERO, Duration.ofMinutes(1), 9090, "0.0.0.0"),
                List.of(config.host(), config.port(), config.framing(), config.maxFrameBytes(), config.maxBufferedBytes(),
                        config.maxConnections(), config.idleTimeout(), config.threadMode(), config.shutdownGrace(),
                        fromEnvironment.statsInterval(), config.metricsPort(), config.metricsHost()));
        assertEquals("debug", CommandLineOptions.parse(new String[0], Map.of("ECHO_LOG_LEVEL", "debug")).logLevel());
        ServerConfig flagsWin = CommandLineOptions.parse(new String[] {"--port", "0", "-H", "127.0.0.1"}, environment).config();
        assertEquals(0, flagsWin.port(), "expected the flag to win over ECHO_PORT");
        assertEquals("127.0.0.1", flagsWin.host(), "expected the flag to win over ECHO_HOST");
        assertEquals(7, flagsWin.maxConnections(), "expected the other variables to still apply");
        Map<String, String> tlsEnvironment = Map.of("ECHO_TLS_CERT", "/etc/echo/tls/tls.crt",
                "ECHO_TLS_KEY", "/etc/echo/tls/tls.key", "ECHO_TLS_CLIENT_CA", "/etc/echo/tls/ca.crt",
                "ECHO_TLS_CLIENT_AUTH", "optional", "ECHO_TLS_PROTOCOLS", "TLSv1.3",
                "ECHO_TLS_HANDSHAKE_TIMEOUT", "3s", "ECHO_TLS_RELOAD_INTERVAL", "0");
        ServerTls tls = CommandLineOptions.parse(new String[0], tlsEnvironment).config().tls();
        assertEquals(List.of(java.nio.file.Path.of("/etc/echo/tls/tls.crt"), java.nio.file.Path.of("/etc/echo/tls/tls.key"),
                        java.nio.file.Path.of("/etc/echo/tls/ca.crt"), ServerTls.ClientAuth.OPTIONAL, List.of("TLSv1.3"),
                        Duration.ofSeconds(3), Duration.ZERO),
                List.of(tls.certificateChain(), tls.privateKey(), tls.clientCa(), tls.clientAuth(), tls.protocols(),
                        tls.handshakeTimeout(), tls.reloadCheckInterval()));
        for (CliOption<?> option : CommandLineOptions.SPEC.options()) {
            String variable = CommandLineOptions.SPEC.environmentVariable(option);
            assertTrue(option.isFlag() || environment.containsKey(variable) || tlsEnvironment.containsKey(variable)
                    || variable.equals("ECHO_LOG_LEVEL"), "expected this test to set " + variable);
        }
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndVariableInOneHundredColumns() {
        Result result = run("--help");
        assertEquals(0, result.exitCode(), "expected exit code 0 for --help");
        for (String expected : new String[] {"-H, --host HOST", "(default: 127.0.0.1; env ECHO_HOST)", "-p, --port PORT",
                "(default: 8080; env ECHO_PORT)", "--framing", "(default: delimited; env ECHO_FRAMING)", "--max-frame-bytes",
                "at most 268435456", "(default: 4194304;", "--max-buffered-bytes", "(default: heap / 8, at least",
                "--max-connections", "(default: 10000;", "--idle-timeout", "(default: 5m;", "--grace", "(default: 5s;",
                "--threads", "(default: virtual;", "--log-level", "(default: info;", "--stats-interval", "(default: off;",
                "-h, --help", "-V, --version"}) {
            assertTrue(result.out().replaceAll("\\s+", " ").contains(expected),
                    "expected --help to show '" + expected + "', got:\n" + result.out());
        }
        assertTrue(result.out().lines().allMatch(l -> l.length() <= 100 && !l.endsWith(" ")),
                "expected at most 100 columns and no trailing space:\n" + result.out());
    }

    @Test
    void theReadmeTableIsTheOneTheDefinitionsMake() throws Exception {
        assertEquals(CommandLineOptions.SPEC.markdownTable(), ReadmeTables.table(Path.of("../README.md"), "echo-server"),
                "README.md's echo-server table differs from the options; paste the expected one");
    }

    /** Every other tool said so and exited non-zero; the server's help and version exited 0 into /dev/full. */
    @ParameterizedTest
    @ValueSource(strings = {"--help", "--version"})
    void helpOrVersionToAStdoutThatTakesNothingIsNotASuccess(String option) {
        PrintStream full = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        });
        Captured err = new Captured();
        int code = Main.run(new String[] {option}, full, err.stream, new CountDownLatch(0), () -> {});
        assertEquals("echo-server: cannot write to standard output\n", err.text());
        assertEquals(2, code, "not a success");
    }

    @Test
    void versionPrintsTheVersion() {
        Result result = run("--version");
        assertEquals(0, result.exitCode(), "expected exit code 0 for --version");
        assertTrue(result.out().matches("echo-server \\S+\\R"), "expected 'echo-server VERSION', got: " + result.out());
    }

    @Test
    void runsUntilStoppedThenPrintsTheSummaryAndExits0() throws Exception {
        Captured out = new Captured();
        Captured err = new Captured();
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform().name("test-main").start(() -> exit.complete(
                Main.run(new String[] {"--port", "0", "--grace", "1s", "--stats-interval", "50ms"}, out.stream, err.stream,
                        stop, () -> {})));
        Await.until("the listening line on stdout", Duration.ofSeconds(10), () -> out.text().contains("\n"));
        Matcher listening = Pattern.compile(
                "echo-server listening on 127\\.0\\.0\\.1:(\\d+) \\(framing=delimited, threads=virtual\\)\\R").matcher(out.text());
        assertTrue(listening.matches(), "expected exactly the listening line, got: " + out.text());
        int port = Integer.parseInt(listening.group(1));
        assertTrue(port > 0, "expected the real port, got " + port);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(dev.echo.core.Framing.DELIMITED.encode(Messages.add(10, 20)));
            assertEquals(30, dev.echo.core.Framing.DELIMITED.newReader(socket.getInputStream())
                    .read(dev.echo.core.proto.ServerMessage.parser()).getAddResponse().getResult(), "expected 30");
        }
        stop.countDown();
        assertEquals(0, exit.get(10, TimeUnit.SECONDS), "expected exit code 0 after a stop");
        String[] lines = out.text().split("\\R");
        assertEquals(2, lines.length, "expected the listening line and the summary line, got: " + out.text());
        assertEquals("echo-server stopped: 1 connections served, 1 requests answered, 0 rejected, errors: none", lines[1],
                "expected the summary line");
    }
}
