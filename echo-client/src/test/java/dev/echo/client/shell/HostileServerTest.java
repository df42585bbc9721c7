package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.testkit.MisbehavingServer;
import dev.echo.testkit.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the one-shot client tells a user about a hostile server: one line, and exit 2 or 1, whatever
 * the server sends (garbage after a TLS handshake, an error answer with a megabyte of detail).
 */
@Timeout(60)
class HostileServerTest {
    /** A megabyte of detail, with an escape sequence and a forged line at its start. */
    static final String HUGE_DETAIL = "\u001b[2Jbad\nFAKE LINE " + "x".repeat(1 << 20);
    /** How the text output prints it: escaped, its first 300 characters, and what was left out. */
    static final String HUGE_DETAIL_PRINTED = "\\u001b[2Jbad\\u000aFAKE LINE " + "x".repeat(300 - 18)
            + "... (" + (HUGE_DETAIL.length() - 300) + " more characters)";

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new Terminals.Attached(false, false));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void garbageAfterTheTlsHandshakeIsOneLineSayingSo(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        byte[] forged = new byte[5 + 64];
        new Random(7).nextBytes(forged);
        System.arraycopy(new byte[] {0x17, 0x03, 0x03, 0, 64}, 0, forged, 0, 5);
        try (MisbehavingServer server = MisbehavingServer.afterTlsHandshake(pki, MisbehavingServer.answerWith(forged))) {
            Run run = run("--host", "localhost", "--port", Integer.toString(server.port()),
                    "--tls-ca", pki.caCertificate().toString(), "echo", "hi");
            assertEquals(2, run.exitCode(), "a connection failure: " + run);
            assertEquals("", run.out());
            assertEquals(1, run.err().lines().count(), "one line: " + run.err());
            assertEquals("127.0.0.1:" + server.port() + ": the server sent data that is not TLS of this session (a record that"
                    + " does not decrypt: bad_record_mac) (not retried: the server would send the same again)\n", run.err(),
                    "says what the server sent (it said: closed the connection before the echo answer (attempt 5 of 5))");
            assertEquals(1, server.handshakes(), "not retried: " + run.err());
        }
    }

    @Test
    void aHugeErrorDetailIsBoundedAndEscaped() throws Exception {
        byte[] answer = Framing.DELIMITED.encode(Messages.error(ErrorResponse.Code.MALFORMED_MESSAGE, HUGE_DETAIL));
        try (MisbehavingServer server = MisbehavingServer.plain(MisbehavingServer.answerWith(answer))) {
            String port = Integer.toString(server.port());
            for (String format : List.of("text", "script", "json")) {
                Run run = switch (format) {
                    case "json" -> run("--port", port, "--json", "echo", "hi");
                    case "script" -> runWithInput("echo hi\n", "--port", port);
                    default -> run("--port", port, "echo", "hi");
                };
                assertEquals(1, run.exitCode(), "an error answer: " + format);
                String printed = run.out() + run.err();
                assertEquals(1, printed.lines().count(), "one line: " + format);
                assertTrue(printed.length() < 1000, format + ": " + printed.length() + " characters: "
                        + printed.substring(0, Math.min(300, printed.length())));
                String escaped = format.equals("json") ? "\\u001b[2jbad\\nfake line xxx" : "\\u001b[2jbad\\u000afake line xxx";
                assertTrue(printed.toLowerCase(java.util.Locale.ROOT).contains(escaped), format + ": escaped: "
                        + printed.substring(0, Math.min(300, printed.length())));
                assertTrue(printed.contains("more characters)"), format + ": says what was left out: " + printed);
                assertTrue(!printed.contains("\u001b"), format + ": no raw ESC");
                if (!format.equals("json")) {
                    assertEquals("error MALFORMED_MESSAGE: " + HUGE_DETAIL_PRINTED + "\n", run.err(), format);
                }
            }
        }
    }
}
