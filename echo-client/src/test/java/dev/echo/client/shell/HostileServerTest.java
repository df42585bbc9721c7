package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.MisbehavingServer;
import dev.echo.testkit.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the one-shot client tells a user about a hostile server: one line, and exit 2, whatever the
 * server sends (garbage after a TLS handshake).
 */
@Timeout(60)
class HostileServerTest {
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
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
}
