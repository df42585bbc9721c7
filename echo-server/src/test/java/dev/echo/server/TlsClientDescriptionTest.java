package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** The client certificate's subject in the server's log line is the client's text, so it is escaped. */
class TlsClientDescriptionTest {

    @Test
    void aSubjectWithALineBreakAndEscapesStaysOneLine() {
        X500Principal forged = new X500Principal("CN=evil\nINFO ServerEvents - last 1m: rejected=0 \u001b[31mFAKE\u001b[0m");
        String described = TlsConnection.describeClient(forged);
        assertEquals(1, described.lines().count(), "one line: " + described);
        assertEquals(-1, described.indexOf('\u001b'), "no raw ESC: " + described);
        assertEquals("client CN=evil\\u000aINFO ServerEvents - last 1m: rejected\\=0 \\u001b[31mFAKE\\u001b[0m", described);
    }

    @Test
    void anOrdinarySubjectIsAsTheCertificateSays() {
        assertEquals("client CN=alice,O=Example", TlsConnection.describeClient(new X500Principal("CN=alice, O=Example")));
    }
}
