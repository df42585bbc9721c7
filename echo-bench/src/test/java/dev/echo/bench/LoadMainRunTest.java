package dev.echo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.echo.bench.load.LatencyLog;
import dev.echo.bench.load.LoadReport;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** echo-load's own command line, run for real against an in-process server: where its output goes, and when. */
class LoadMainRunTest {
    private static final Consumer<IntConsumer> NO_SIGNALS = onSignal -> { };

    @TempDir
    Path dir;

    private static EchoServer server() throws java.io.IOException {
        return EchoServer.create(ServerConfig.builder().port(0).build()).start();
    }

    private static String[] shortRun(EchoServer server, String... more) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(server.port()), "--connections", "2",
                "--warmup", "0", "--duration", "1100ms"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    @Timeout(30)
    void jsonDashPutsOneParseableDocumentOnStdoutAndTheWordsOnStderr() throws Exception {
        try (EchoServer server = server()) {
            LoadMainRun run = LoadMainRun.of(NO_SIGNALS, shortRun(server, "--json", "-"));
            assertEquals(0, run.code(), "expected a clean run: " + run.err());
            // Strict: a second document or any trailing text on stdout fails the parse.
            var strict = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
            assertTrue(strict.readTree(run.out()).isObject(), "expected stdout to be one JSON object:\n" + run.out());
            LoadReport report = LoadReport.fromJson(run.out());
            assertTrue(report.responses() > 0 && report.responses() == report.requests(),
                    "expected every request answered in: " + run.out());
            assertTrue(run.err().contains("req/s") && run.err().contains("verdict: every answer verified"),
                    "expected the progress lines and the summary on stderr:\n" + run.err());
        }
    }

    @Test
    @Timeout(30)
    void aJsonPathInAMissingDirectoryFailsAtOnceBeforeAnyLoad() throws Exception {
        try (EchoServer server = server()) {
            Path missing = dir.resolve("missing").resolve("x.json");
            long start = System.nanoTime();
            LoadMainRun run = LoadMainRun.of(NO_SIGNALS, shortRun(server, "--json", missing.toString()));
            assertEquals(2, run.code(), "expected exit 2 for a path that cannot be written");
            assertEquals("echo-load: invalid --json '" + missing + "': directory " + missing.getParent()
                    + " does not exist", run.err().strip(), "expected one line naming the path and why");
            assertEquals("", run.out(), "expected no progress and no summary: no load ran");
            assertEquals(0, server.stats().connectionsAccepted(), "expected no connection: the check comes first");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "expected no 1.1 s run first");
        }
    }

    @Test
    void aDirectoryGivenAsTheHdrLogIsRefused() {
        LoadMainRun run = LoadMainRun.of(NO_SIGNALS, "--hdr-log", dir.toString());
        assertEquals(2, run.code(), "expected exit 2 for a directory as --hdr-log");
        assertTrue(run.err().startsWith("echo-load: invalid --hdr-log '" + dir + "': ") && run.err().contains("directory"),
                "expected the option, the value and why: " + run.err());
    }

    @Test
    @Timeout(30)
    void theHdrLogHoldsEveryMeasuredLatency() throws Exception {
        Path log = dir.resolve("run.hlog");
        Path json = dir.resolve("run.json");
        try (EchoServer server = server()) {
            LoadMainRun run = LoadMainRun.of(NO_SIGNALS, shortRun(server, "--quiet", "--hdr-log", log.toString(), "--json", json.toString()));
            assertEquals(0, run.code(), "expected a clean run: " + run.err());
        }
        LoadReport report = LoadReport.fromJson(Files.readString(json));
        assertTrue(report.latencyUs().count() > 0, "expected measured latencies");
        assertEquals(report.latencyUs().count(), LatencyLog.readTotal(log).getTotalCount(),
                "expected the log's intervals to add up to the JSON's latency count");
    }

    @Test
    @Timeout(30)
    void ctrlCPrintsThePartialResultAndExits130() throws Exception {
        try (EchoServer server = server()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // The "signal" arrives once the run is measuring, as a user's Ctrl-C would.
            Consumer<IntConsumer> ctrlCWhenMeasuring = onSignal -> Thread.ofVirtual().start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!out.toString(StandardCharsets.UTF_8).contains("measuring") && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(10_000_000L); // polling the output: the condition, with a deadline
                }
                onSignal.accept(2);
            });
            long start = System.nanoTime();
            LoadMainRun run = LoadMainRun.of(out, ctrlCWhenMeasuring, shortRun(server, "--duration", "60s"));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(130, run.code(), "expected 128 + SIGINT: " + run.err());
            assertTrue(run.out().contains("verdict: every answer verified"), "expected the partial summary:\n" + run.out());
            assertTrue(run.out().matches("(?s).*verdict: every answer verified\\R  stopped by SIGINT after \\d+\\.\\d s of the 1m"
                    + " asked for: the result so far\\R"), "expected the verdict said to be of a run cut short:\n" + run.out());
            assertTrue(seconds < 30, "expected the run to end at the signal, not after 60 s: " + seconds + " s");
            assertFalse(run.err().contains("Exception"), "expected no stack trace: " + run.err());
        }
    }

    /**
     * Ctrl-C while a stalled server holds the answers in flight: the run waited the whole {@code
     * --timeout} (here 20 s) for them before it ended (a helper's finding); now a second's grace, then
     * they are abandoned, and said to be. With {@code --new-connection-per-request} too, which waited
     * the timeout still (each connection's own read timeout).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"raw", "library", "per-request"})
    @Timeout(60)
    void ctrlCAgainstAStalledServerEndsAfterAShortGraceNotTheTimeout(String client) throws Exception {
        try (java.net.ServerSocket stalled = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!stalled.isClosed()) {
                    try {
                        java.net.Socket socket = stalled.accept();
                        Thread.ofVirtual().start(() -> readAllThenClose(socket));
                    } catch (java.io.IOException e) {
                        // closed: the test is over
                    }
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long[] signalledAt = new long[1];
            Consumer<IntConsumer> ctrlCWhenMeasuring = onSignal -> Thread.ofVirtual().start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!out.toString(StandardCharsets.UTF_8).contains("measuring") && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(10_000_000L); // polling the output: the condition, with a deadline
                }
                signalledAt[0] = System.nanoTime();
                onSignal.accept(2);
            });
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--port",
                    Integer.toString(stalled.getLocalPort()), "--connections", "2", "--warmup", "0", "--duration", "60s",
                    "--timeout", "20s"));
            args.addAll(client.equals("per-request")
                    ? java.util.List.of("--new-connection-per-request") : java.util.List.of("--client", client));
            LoadMainRun run = LoadMainRun.of(out, ctrlCWhenMeasuring, args.toArray(String[]::new));
            double afterSignal = (System.nanoTime() - signalledAt[0]) / 1e9;
            assertEquals(130, run.code(), "expected 128 + SIGINT: " + run.err());
            assertTrue(afterSignal < 10, "expected the run to end about a second after the signal, not at the 20 s"
                    + " timeout: " + afterSignal + " s\n" + run.out());
            assertTrue(run.out().contains("answers in flight abandoned at the stop"), "expected them said abandoned:\n"
                    + run.out());
        }
    }

    /**
     * SIGTERM while the connections are still opening, to a server that takes the TCP connection and
     * never answers the TLS handshake: the stop waited for the connect timeout (here 30 s), or gave up on
     * the threads after the grace with "did not stop" (a helper's finding). Now the connects are cut short
     * and counted as abandoned at the stop, not as connection errors.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"raw", "library", "per-request"})
    @Timeout(90)
    void sigtermWhileTheTlsHandshakesHangEndsAfterAShortGraceNotTheConnectTimeout(String client) throws Exception {
        dev.echo.testkit.TestPki pki = dev.echo.testkit.TestPki.create(dir.resolve("pki"));
        Path json = dir.resolve("run.json");
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        java.net.Socket socket = silent.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> readAllThenClose(socket)); // reads the ClientHello, answers nothing
                    } catch (java.io.IOException e) {
                        // closed: the test is over
                    }
                }
            });
            // --client library opens one shared connection; the others one per --connections.
            int connecting = client.equals("library") ? 1 : 2;
            long[] signalledAt = new long[1];
            Consumer<IntConsumer> sigtermWhenConnecting = onSignal -> Thread.ofVirtual().start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (accepted.get() < connecting && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(10_000_000L); // polling the listener: the condition, with a deadline
                }
                signalledAt[0] = System.nanoTime();
                onSignal.accept(15);
            });
            List<String> args = new ArrayList<>(List.of("--port", Integer.toString(silent.getLocalPort()),
                    "--connections", "2", "--warmup", "0", "--duration", "60s", "--timeout", "30s",
                    "--tls-ca", pki.caCertificate().toString(), "--json", json.toString()));
            args.addAll(client.equals("per-request") ? List.of("--new-connection-per-request")
                    : List.of("--client", client));
            LoadMainRun run = LoadMainRun.of(new ByteArrayOutputStream(), sigtermWhenConnecting,
                    args.toArray(String[]::new));
            double afterSignal = (System.nanoTime() - signalledAt[0]) / 1e9;
            String all = run.out() + run.err();
            assertTrue(accepted.get() >= connecting, "expected the connections accepted before the stop: " + all);
            assertEquals(143, run.code(), "expected 128 + SIGTERM: " + all);
            // The grace is a second; before, 6 s (grace, then 5 s for the thread) or the 30 s timeout.
            assertTrue(afterSignal < 5, "expected the run to end about a second after the signal, not at the 30 s"
                    + " timeout: " + afterSignal + " s\n" + all);
            assertFalse(all.contains("did not stop"), "expected every connect to end at the stop:\n" + all);
            assertTrue(run.out().contains("connect abandoned at the stop"), "expected the connects said abandoned:\n"
                    + all);
            assertTrue(run.out().matches("(?s).*\\R  stopped by SIGTERM after \\d+\\.\\d s of the 1m asked for: the result"
                    + " so far\\R"), "expected the result so far, said to be of a run cut short:\n" + all);
            LoadReport report = LoadReport.fromJson(Files.readString(json));
            assertEquals(0, report.connectionErrors(), "expected an abandoned connect not counted as a connection"
                    + " error:\n" + all);
            assertFalse(all.contains("Exception"), "expected no stack trace: " + all);
        }
    }

    private static void readAllThenClose(java.net.Socket socket) {
        try (socket) {
            socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.IOException e) {
            // the client closed it
        }
    }
}
