package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.ServerTls;
import dev.echo.testkit.FullOutput;
import dev.echo.testkit.OwnThread;
import dev.echo.testkit.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shell run in process, fed through a piped stdin (scripted mode) or as one-shot commands; once as a process. */
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

    /** Run with stdout a pipe, as in {@code x=$(echo-client ...)} or {@code ... | echo-client > file}. */
    private Run run(String stdin, String... args) {
        return run(new Terminals.Attached(false, false), stdin, args);
    }

    /** Run with stdout a terminal and stdin not, as in {@code echo-client add 1 2 < /dev/null}. */
    private Run runToTerminal(String stdin, String... args) {
        return run(new Terminals.Attached(false, true), stdin, args);
    }

    private Run run(Terminals.Attached terminals, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                terminals);
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
    void scriptedRunToATerminalPrintsOneAnswerPerLineWithItsTime() {
        Run run = runToTerminal("""
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
    void intoAPipeAnswersAreBareAndErrorAnswersGoToStderr() {
        Run run = run("echo hi\nadd 10 20\nadd 2147483647 1\nrepeat 3 add 2147483647 1\n", "--port", port());
        assertEquals(List.of("hi", "30"), run.out(), "bare answers, one per line");
        assertEquals(List.of("error ADD_OVERFLOW: 2147483647 + 1 overflows int32",
                "error ADD_OVERFLOW: 2147483647 + 1 overflows int32 (after 0 of 3)"), run.err(), "error answers apart");
        assertEquals(1, run.exitCode(), "the worst line was an error answer");
    }

    @Test
    void timingOptionsOverrideWhereStdoutGoes() {
        Run piped = run("", "--port", port(), "--timing", "add", "1", "2");
        assertTrue(piped.out().size() == 1 && piped.out().get(0).matches("3" + TIMED), "--timing into a pipe: " + piped.out());
        Run shown = runToTerminal("", "--port", port(), "--no-timing", "add", "1", "2");
        assertEquals(List.of("3"), shown.out(), "--no-timing on a terminal");
        Run overflow = runToTerminal("", "--port", port(), "add", "2147483647", "1");
        assertEquals(List.of("error ADD_OVERFLOW: 2147483647 + 1 overflows int32"), overflow.out(),
                "on a terminal the error answer stays with the answers");
        Run both = run("", "--port", port(), "--timing", "--no-timing", "add", "1", "2");
        assertEquals(2, both.exitCode(), "contradicting options: exit 2");
        assertEquals(1, both.err().size(), "one line: " + both.err());
        assertEquals(3, server.stats().requestsAnswered(), "three adds answered; the contradicting run sent nothing");
    }

    @Test
    void jsonPrintsOneObjectPerAnswer() throws IOException {
        Run run = runToTerminal("echo \"a \\\"quoted\\\" text\"\nadd 10 20\nadd 2147483647 1\nrepeat 5 echo hi\nstatus\n",
                "--port", port(), "--json");
        assertEquals(4, run.out().size(), "one line per answer or repeat, status not among them: " + run.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode echo = json.readTree(run.out().get(0));
        assertEquals("a \"quoted\" text", echo.path("request").path("echo").asText(), "the request");
        assertEquals("a \"quoted\" text", echo.path("answer").asText(), "the answer, escaped and read back");
        assertTrue(echo.path("micros").canConvertToLong() && echo.path("micros").asLong() >= 0, "micros: " + echo);
        JsonNode add = json.readTree(run.out().get(1));
        assertEquals("[10,20]", add.path("request").path("add").toString(), "the add request");
        assertTrue(add.path("answer").isInt() && add.path("answer").asInt() == 30, "a number answer: " + add);
        JsonNode error = json.readTree(run.out().get(2));
        assertEquals("ADD_OVERFLOW", error.path("error").path("code").asText(), "the error code: " + error);
        assertEquals("2147483647 + 1 overflows int32", error.path("error").path("detail").asText(), "the detail");
        JsonNode repeat = json.readTree(run.out().get(3));
        assertEquals(5, repeat.path("answered").asInt(), "the repeat's count: " + repeat);
        assertTrue(repeat.path("mean_micros").isNumber() && repeat.path("p99_micros").isNumber()
                && repeat.path("total_micros").asLong() >= repeat.path("mean_micros").asLong(), "its statistics: " + repeat);
        assertTrue(run.err().get(0).startsWith("endpoint  127.0.0.1:"), "status, as text, on stderr: " + run.err());
        assertEquals(1, run.exitCode(), "exit codes as without --json: an error answer is 1");
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
        assertEquals(List.of("Hello, World!"), ok.out(), "the bare answer into a pipe");
        assertEquals(List.of(), ok.err(), "nothing else");

        Run sum = run("", "--port", port(), "--no-timing", "add", "10", "-20");
        assertEquals(List.of("-10"), sum.out(), "add with a negative number");
        assertEquals(0, sum.exitCode(), "answered: exit 0");

        Run overflow = run("", "--port", port(), "add", "2147483647", "1");
        assertEquals(1, overflow.exitCode(), "error answer: exit 1");
        assertEquals(List.of(), overflow.out(), "no answer on stdout");
        assertEquals(List.of("error ADD_OVERFLOW: 2147483647 + 1 overflows int32"), overflow.err(),
                "the error answer on stderr when stdout is a pipe");

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
            assertEquals(List.of("cannot connect to 127.0.0.1:" + closedPort + " (connection refused)"), refused.err(),
                    "the refusal, one line");
        }
    }

    /** An answer that went nowhere ({@code > /dev/full}) is not a success: a script must not take it for one. */
    @Test
    void anAnswerThatCannotBeWrittenIsExitTwoWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--port", port(), "echo", "lost"}, new ByteArrayInputStream(new byte[0]),
                FullOutput.printStream(), new PrintStream(err, true, StandardCharsets.UTF_8),
                new Terminals.Attached(false, false));
        assertEquals(List.of("echo-client: cannot write to standard output"), lines(err));
        assertEquals(2, code, "expected exit 2, as for the connection's I/O errors");
        assertEquals(1, server.stats().echoRequests(), "the server answered; the answer was lost on the way out");
    }

    @Test
    void overTlsWithClientCertificateTheShellGoesThroughTheLibrary(@TempDir Path dir) throws IOException {
        TestPki pki = TestPki.create(dir);
        ServerTls tls = ServerTls.builder(pki.server().certificate(), pki.server().key())
                .clientCa(pki.caCertificate()).build();
        try (EchoServer tlsServer = EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start()) {
            String[] options = {"--host", "localhost", "--port", Integer.toString(tlsServer.port()),
                    "--tls-ca", pki.caCertificate().toString(), "--tls-cert", pki.client().certificate().toString(),
                    "--tls-key", pki.client().key().toString()};
            Run run = run("echo over tls\nadd 20 22\n", options);
            assertEquals(List.of("over tls", "42"), run.out(), "answered over mutual TLS: " + run.err());
            assertEquals(0, run.exitCode(), "exit 0");
            String[] noCertificate = {options[0], options[1], options[2], options[3], options[4], options[5],
                    "echo", "hi"};
            Run refused = run("", noCertificate);
            assertEquals(2, refused.exitCode(), "refused without a client certificate: exit 2");
            assertEquals(1, refused.err().size(), "one line: " + refused.err());
            assertTrue(refused.err().get(0).contains("the server requires a client certificate"),
                    "says why: " + refused.err());
        }
    }

    /**
     * A server's error answer printed safely, as an attacker's server sent it: a code this client does
     * not know by its number (it ended the shell with a stack trace), and the detail's control
     * characters escaped (ESC, BEL, CR and LF went raw to the terminal: clear screen, retitle, a forged
     * second line), so the error stays one line.
     */
    @Test
    void anErrorAnswerOfAnUnknownCodeWithControlCharactersIsOneSafeLine() throws Exception {
        ServerMessage hostile = Messages.error(999, "\u001b[2J\u001b]0;pwned\u0007\rFAKE-LINE\nsecond");
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> {
                try (Socket client = fake.accept()) {
                    client.getInputStream().read(new byte[1024]); // the request, whatever it is
                    client.getOutputStream().write(Framing.DELIMITED.encode(hostile));
                    client.getInputStream().read(); // until the client leaves
                } catch (IOException e) {
                    // the client left
                }
            });
            Run run = run("", "--port", Integer.toString(fake.getLocalPort()), "echo", "hello");
            answering.join(Duration.ofSeconds(10));
            assertEquals(1, run.exitCode(), "an error answer: exit 1, " + run);
            assertEquals(List.of("error UNRECOGNIZED(999): \\u001b[2J\\u001b]0;pwned\\u0007\\u000dFAKE-LINE\\u000asecond"),
                    run.err(), "one line, the code by its number, control characters escaped");
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

    /** What the process printed and returned. */
    record Captured(int exitCode, String out, String err) {}

    private Captured client(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", Integer.toString(server.port())));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(
                () -> read(process.getErrorStream()), OwnThread.named("child-stderr"));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the client exits within 30 s");
        return new Captured(process.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The client as its own process with stdout a pipe, as in {@code x=$(bin/echo-client echo hi)}: a
     * script captures exactly the answer, with the terminal guess the real {@code main} makes.
     */
    @Test
    void asAProcessIntoAPipeAScriptCapturesExactlyTheAnswer() throws Exception {
        assertEquals(new Captured(0, "hi\n", ""), client("echo", "hi"), "x=$(echo-client echo hi) is hi");
        assertEquals(new Captured(0, "30\n", ""), client("add", "10", "20"), "x=$(echo-client add 10 20) is 30");
        assertEquals(new Captured(1, "", "error ADD_OVERFLOW: 2147483647 + 1 overflows int32\n"),
                client("add", "2147483647", "1"), "an error answer: nothing captured, the error on stderr, exit 1");
    }
}
