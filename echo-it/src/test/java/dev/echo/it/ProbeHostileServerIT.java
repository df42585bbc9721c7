package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.testkit.MisbehavingServer;
import dev.echo.testkit.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/echo-probe} reports of a hostile server: garbage after the TLS handshake named as
 * such (it said "the server closed the connection"), and an error answer's half megabyte of detail
 * bounded and escaped (it printed all of it on one line).
 */
class ProbeHostileServerIT {

    @Test
    void garbageAfterTheTlsHandshakeIsNamed(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        byte[] text = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (MisbehavingServer server = MisbehavingServer.afterTlsHandshake(pki, MisbehavingServer.answerWithAndClose(text))) {
            ProbeCommandLineIT.Run run = ProbeCommandLineIT.run("127.0.0.1:" + server.port(), "--only", "echo",
                    "--timeout", "10s", "--tls-ca", pki.caCertificate().toString());
            assertEquals(1, run.exit(), "the check failed: " + run);
            List<String> failed = run.out().lines().filter(l -> l.startsWith("FAIL")).toList();
            assertEquals(1, failed.size(), "one FAIL line: " + run);
            assertTrue(failed.get(0).contains("the server sent data that is not TLS of this session (not a TLS record header: "
                    + "48 54 54 50 2f (\"HTTP/\"))"), "names what came: " + run);
        }
    }

    @Test
    void aHugeErrorDetailIsBoundedAndEscaped() throws Exception {
        String detail = "\u001b[2Jbad\nFAKE LINE " + "x".repeat(1 << 19); // the probe reads answers of up to 1 MiB
        byte[] answer = Framing.DELIMITED.encode(Messages.error(ErrorResponse.Code.MALFORMED_MESSAGE, detail));
        try (MisbehavingServer server = MisbehavingServer.plain(MisbehavingServer.answerWith(answer))) {
            ProbeCommandLineIT.Run run = ProbeCommandLineIT.run("127.0.0.1:" + server.port(), "--only", "echo", "--timeout", "10s");
            assertEquals(1, run.exit(), "the check failed: " + run.exit());
            List<String> failed = run.out().lines().filter(l -> l.startsWith("FAIL")).toList();
            assertEquals(1, failed.size(), "one FAIL line");
            String line = failed.get(0);
            assertTrue(line.length() < 1000, line.length() + " characters: " + line.substring(0, Math.min(300, line.length())));
            assertTrue(line.contains("\\u001b[2Jbad\\u000aFAKE LINE xxx"), "escaped: " + line);
            assertTrue(line.contains("... (" + (detail.length() - 300) + " more characters)"), "says what was left out: " + line);
            assertFalse((run.out() + run.err()).contains("\u001b"), "no raw ESC");
        }
    }
}
