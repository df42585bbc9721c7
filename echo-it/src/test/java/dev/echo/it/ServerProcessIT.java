package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ConnectionClosedException;
import dev.echo.client.EchoConnection;
import dev.echo.client.ServerErrorException;
import dev.echo.core.FrameException;
import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario 9: the packaged server ({@code java -jar echo-server.jar}) as its own process: SIGTERM
 * under load, a port already in use, a bad option, and its help.
 */
@Execution(ExecutionMode.CONCURRENT)
class ServerProcessIT {

    @Test
    void sigtermDuringLoadStopsGracefullyWithExitZeroAndTheSummaryLine() throws Exception {
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--grace", "2s").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            Conversation.Tally tally = new Conversation.Tally();
            AtomicLong shuttingDown = new AtomicLong();
            AtomicLong closed = new AtomicLong();
            AtomicLong reset = new AtomicLong();
            int clients = 50;
            AtomicLong connected = new AtomicLong();
            Parallel.Running load = Parallel.start(clients, Duration.ofSeconds(60), i -> {
                try (EchoConnection client = Clients.connect(port)) {
                    connected.incrementAndGet();
                    for (int r = 0; r < 1_000_000; r++) {
                        try {
                            Conversation.exchange(client, i, r, tally);
                        } catch (ServerErrorException e) {
                            assertEquals(Code.SHUTTING_DOWN, e.code(), "expected only SHUTTING_DOWN as an error: " + e);
                            shuttingDown.incrementAndGet();
                            return;
                        } catch (ConnectionClosedException e) {
                            closed.incrementAndGet(); // at a frame boundary
                            return;
                        } catch (IOException e) {
                            if (e.getCause() instanceof FrameException) {
                                throw new AssertionError("client " + i + ": an answer cut in half: " + e, e);
                            }
                            reset.incrementAndGet();
                            return;
                        }
                    }
                }
            });

            // Every client connected first: one whose thread had not run yet would find the port closed.
            Await.until("all " + clients + " clients connected and 1,000 answers before SIGTERM", Duration.ofSeconds(30),
                    () -> connected.get() == clients && tally.correct.get() >= 1_000,
                    () -> connected + " connected, " + tally + "; " + server.describe());
            long start = System.nanoTime();
            server.terminate();
            int exit = server.awaitExit(Duration.ofSeconds(15));
            long stopMillis = (System.nanoTime() - start) / 1_000_000;
            load.await(Duration.ofSeconds(60), "every client after SIGTERM", tally::toString)
                    .assertAllSucceeded("clients to end cleanly at SIGTERM (" + tally + ")");
            assertEquals(0, exit, "expected exit code 0 after SIGTERM: " + server.describe());
            assertEquals(0, tally.wrong.get(), "expected no wrong answer: " + tally);
            assertEquals(clients, shuttingDown.get() + closed.get() + reset.get(),
                    "expected every client to see SHUTTING_DOWN or the connection end");
            List<String> stdout = server.stdout();
            assertEquals(2, stdout.size(), "expected exactly the start line and the summary line on stdout: " + stdout);
            assertTrue(stdout.get(1).startsWith("echo-server stopped:"),
                    "expected the summary line 'echo-server stopped: ...' last, got " + stdout);
            assertTrue(stopMillis < 2_000 + 5_000, "expected the process to exit within the 2 s grace + 5 s, took "
                    + stopMillis + " ms");
            System.err.println("echo-it: SIGTERM under load: exit " + exit + " after " + stopMillis + " ms; " + tally
                    + ", SHUTTING_DOWN=" + shuttingDown + ", closed=" + closed + ", reset=" + reset + "; " + stdout.get(1));
        }
    }

    @Test
    void portAlreadyInUseGivesExitTwoAndOneClearLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerProcess server = ServerJar.process().args("--host", "127.0.0.1",
                     "--port", String.valueOf(taken.getLocalPort())).start()) {
            int exit = server.awaitExit(Duration.ofSeconds(30));
            assertEquals(2, exit, "expected exit code 2 for a port in use: " + server.describe());
            assertEquals(List.of(), server.stdout(), "expected nothing on stdout: " + server.describe());
            List<String> stderr = server.stderr();
            assertEquals(1, stderr.size(), "expected exactly one line on stderr: " + stderr);
            assertTrue(stderr.get(0).contains(String.valueOf(taken.getLocalPort())) && stderr.get(0).contains("in use"),
                    "expected the line to name the port and say it is in use: " + stderr);
        }
    }

    /** An unknown option, and a frame limit over 256 MiB (268435456), the most a frame may be. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus                     | echo-server: unknown option '--bogus' (try --help)",
        "--max-frame-bytes 268435457 | echo-server: invalid --max-frame-bytes '268435457': expected a whole number from 1 to 268435456",
    })
    void badOptionGivesExitTwoAndOneLineSayingWhatIsExpected(String option, String line) throws IOException {
        String[] args = option.trim().split(" ");
        try (ServerProcess server = ServerJar.process().args(args).start()) {
            int exit = server.awaitExit(Duration.ofSeconds(30));
            assertEquals(2, exit, "expected exit code 2 for " + option + ": " + server.describe());
            assertEquals(List.of(line), server.stderr(), "expected exactly this line on stderr, no stack trace");
        }
    }

    @Test
    void helpPrintsTheUsageWithEveryOption() throws IOException {
        try (ServerProcess server = ServerJar.process().args("--help").start()) {
            int exit = server.awaitExit(Duration.ofSeconds(30));
            assertEquals(0, exit, "expected exit code 0 for --help: " + server.describe());
            String usage = String.join("\n", server.stdout());
            for (String option : List.of("--host", "--port", "--framing", "--max-frame-bytes", "--max-connections",
                    "--idle-timeout", "--grace", "--threads", "--log-level", "--help", "--version")) {
                assertTrue(usage.contains(option), "expected the usage to list " + option + ":\n" + usage);
            }
            assertTrue(usage.strip().startsWith("usage:"), "expected the usage first:\n" + usage);
        }
    }
}
