package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.PemFiles;
import dev.echo.testkit.OwnThread;
import dev.echo.testkit.WireClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Main as a real process: SIGTERM must give a graceful stop, the summary line and exit code 0, not 143;
 * a certificate about to expire is warned of in its log.
 */
@ResourceLock(TestServers.CHILD_PROCESSES)
class MainProcessTest {

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "no SIGTERM")
    void sigtermStopsGracefullyWithTheSummaryLineAndExitCode0() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", Main.class.getName(), "--port", "0", "--grace", "1s")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = CompletableFuture.supplyAsync(() -> readLine(out), OwnThread.named("child-stdout"))
                    .get(20, TimeUnit.SECONDS);
            assertNotNull(first, "expected the listening line before the process ended");
            Matcher listening = Pattern.compile("echo-server listening on 127\\.0\\.0\\.1:(\\d+) \\(framing=delimited, threads=virtual\\)")
                    .matcher(first);
            assertTrue(listening.matches(), "expected the listening line, got: " + first);
            int port = Integer.parseInt(listening.group(1));
            try (WireClient client = WireClient.connect(port)) {
                assertEquals("over a process", client.echo("over a process"), "expected the echo from the process");
            }
            process.toHandle().destroy(); // SIGTERM, leaving our end of its stdout open
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "expected the process to end within 20 s of SIGTERM");
            assertEquals(0, process.exitValue(), "expected exit code 0 after SIGTERM");
            String summary = readLine(out);
            assertTrue(summary != null && summary.startsWith("echo-server stopped: 1 connections served, 1 requests answered"),
                    "expected the summary line, got: " + summary);
        } finally {
            process.destroyForcibly();
        }
    }

    /** The expiry warning as an operator meets it: a WARN line in the process's log at the start. */
    @Test
    void aCertificateThatExpiresWithin14DaysIsWarnedOfInTheLogAtTheStart(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir); // the server's certificate expires in 10 days
        Path chain = pki.dir().resolve("server.pem");
        String notAfter = PemFiles.certificates(chain).get(0).getNotAfter().toInstant().toString();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", "0", "--tls-cert", chain.toString(), "--tls-key", pki.dir().resolve("server.key").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String expected = "WARN TlsMaterialWatcher - the TLS certificate served expires on " + notAfter + ": replace " + chain;
        try (BufferedReader log = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new CopyOnWriteArrayList<>();
            String warning = CompletableFuture.supplyAsync(() -> {
                for (String line = readLine(log); line != null; line = readLine(log)) {
                    seen.add(line);
                    if (line.endsWith(expected)) {
                        return line;
                    }
                }
                return null;
            }, OwnThread.named("child-stderr")).completeOnTimeout(null, 20, TimeUnit.SECONDS).get();
            assertNotNull(warning, "expected a line ending '" + expected + "' in the log, got " + seen);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
