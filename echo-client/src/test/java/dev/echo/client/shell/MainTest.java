package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shell run in process, fed through a piped stdin (scripted mode) or as one-shot commands. */
@Timeout(60)
class MainTest {
    private static final String TIMED = "  \\(\\d+\\.\\d\\d ms\\)";

    private EchoServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = EchoServer.create(ServerConfig.builder().port(0).build()).start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** What one run printed and returned. */
    record Run(int exitCode, List<String> out, List<String> err) {}

    private Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return new Run(code, lines(out), lines(err));
    }

    private static List<String> lines(ByteArrayOutputStream bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    }

    private String port() {
        return Integer.toString(server.port());
    }

    @Test
    void scriptedRunPrintsOneAnswerPerLineWithItsTime() {
        Run run = run("""
                echo Hello, World!
                add 10 20
                add 2147483647 1
                add 1 x
                add 99999999999 1

                # a comment
                repeat 50 echo hi
                status
                quit
                echo never sent
                """, "--port", port());
        List<String> out = run.out();
        assertEquals(8, out.size(), "one line per answer, four for status: " + out);
        assertTrue(out.get(0).matches("Hello, World!" + TIMED), "echo answer with time, got: " + out.get(0));
        assertTrue(out.get(1).matches("30" + TIMED), "add answer with time, got: " + out.get(1));
        assertEquals("error ADD_OVERFLOW: 2147483647 + 1 overflows int32", out.get(2), "error answer");
        assertTrue(out.get(3).matches("50 echo in \\d+\\.\\d\\d ms: mean \\d+\\.\\d\\d ms, p99 \\d+\\.\\d\\d ms"),
                "repeat summary, got: " + out.get(3));
        assertEquals("endpoint  127.0.0.1:" + port() + " (connected)", out.get(4), "status endpoint");
        assertEquals("framing   delimited", out.get(5), "status framing");
        assertEquals("requests  53", out.get(6), "status counts requests sent, not usage errors");
        assertTrue(out.get(7).matches("last rtt  \\d+\\.\\d\\d ms"), "status last round trip, got: " + out.get(7));
        assertEquals(List.of("add: 'x' is not an integer",
                "add: 99999999999 is out of the int32 range (-2147483648 to 2147483647)"), run.err(),
                "usage errors on stderr, one line each, no request sent");
        assertEquals(2, run.exitCode(), "a script's exit code is its worst line's: usage error = 2");
        assertEquals(53, server.stats().requestsAnswered(), "the server saw exactly the valid requests");
    }

    @Test
    void noTimingPrintsBareAnswers() {
        Run run = run("echo  two  spaces \nadd -1 -2\necho \"\"\n", "--port", port(), "--no-timing");
        assertEquals(List.of("two  spaces ", "-3", ""), run.out(),
                "bare answers, echo text verbatim after the separator");
        assertEquals(0, run.exitCode(), "all answered");
    }

    @Test
    void disconnectConnectAndAnotherEndpoint() throws IOException {
        try (EchoServer other = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            Run run = run("disconnect\necho nope\nconnect 127.0.0.1:" + other.port() + "\necho yes\nstatus\n",
                    "--port", port(), "--no-timing");
            assertEquals("not connected", run.out().get(0), "nothing to disconnect before the first request");
            assertEquals("connected to 127.0.0.1:" + other.port(), run.out().get(1), "connect announces itself");
            assertEquals("yes", run.out().get(2), "answered by the other server");
            assertEquals("endpoint  127.0.0.1:" + other.port() + " (connected)", run.out().get(3), "status shows it");
            assertEquals(List.of("not connected: type connect [host:port] first"), run.err(), "refused while disconnected");
            assertEquals(1, other.stats().echoRequests(), "the other server got the echo");
        }
    }

    @Test
    void oneShotExitCodes() throws IOException {
        Run ok = run("", "--port", port(), "echo", "Hello, World!");
        assertEquals(0, ok.exitCode(), "answered: exit 0");
        assertTrue(ok.out().size() == 1 && ok.out().get(0).matches("Hello, World!" + TIMED), "one answer line: " + ok.out());

        Run sum = run("", "--port", port(), "--no-timing", "add", "10", "-20");
        assertEquals(List.of("-10"), sum.out(), "add with a negative number");
        assertEquals(0, sum.exitCode(), "answered: exit 0");

        Run overflow = run("", "--port", port(), "add", "2147483647", "1");
        assertEquals(1, overflow.exitCode(), "error answer: exit 1");
        assertEquals(List.of("error ADD_OVERFLOW: 2147483647 + 1 overflows int32"), overflow.out(), "the error line");

        Run usage = run("", "--port", port(), "add", "1", "x");
        assertEquals(2, usage.exitCode(), "usage error: exit 2");
        assertEquals(List.of("echo-client: add: 'x' is not an integer"), usage.err(), "one line on stderr");

        Run shellOnly = run("", "--port", port(), "status");
        assertEquals(2, shellOnly.exitCode(), "status is for the shell: exit 2");

        Run badOption = run("", "--port", "0");
        assertEquals(2, badOption.exitCode(), "port 0: exit 2");
        assertEquals(1, badOption.err().size(), "one line on stderr: " + badOption.err());

        // Bound, not listening, and held: refused, and no test beside this one can take the port.
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int closedPort = bound.getLocalPort();
            Run refused = run("", "--port", Integer.toString(closedPort), "add", "1", "2");
            assertEquals(2, refused.exitCode(), "connection error: exit 2");
            assertEquals(List.of("cannot connect to 127.0.0.1:" + closedPort + ": connection refused"), refused.err(),
                    "the refusal, one line");
        }
    }

    @Test
    void helpAndVersion() {
        Run help = run("", "--help");
        assertEquals(0, help.exitCode(), "--help exits 0");
        assertTrue(String.join("\n", help.out()).contains("--connect-timeout"), "help lists the options");
        Run version = run("", "--version");
        assertEquals(0, version.exitCode(), "--version exits 0");
        assertTrue(version.out().get(0).matches("echo-client \\d+\\.\\d+\\.\\d+.*"), "version line: " + version.out());
    }
}
