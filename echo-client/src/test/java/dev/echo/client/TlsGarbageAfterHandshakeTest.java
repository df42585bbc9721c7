package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.ClientTls;
import dev.echo.testkit.MisbehavingServer;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TLS server that completes the handshake and then answers with bytes that are not a record of the
 * session (random bytes under an application-data header, or plain text): the client must say so, not
 * "closed the connection", and must not open five connections to hear the same garbage (an attacker's
 * finding: five handshakes, then "closed the connection before the echo answer (attempt 5 of 5)").
 */
@Timeout(60)
class TlsGarbageAfterHandshakeTest {
    @TempDir
    Path dir;

    /** Random bytes under a TLS 1.2/1.3 application-data record header: not encrypted with the session's keys. */
    static byte[] forgedRecord() {
        byte[] record = new byte[5 + 64];
        new Random(7).nextBytes(record);
        record[0] = 0x17;
        record[1] = 0x03;
        record[2] = 0x03;
        record[3] = 0;
        record[4] = 64;
        return record;
    }

    static byte[] garbage(String kind) {
        return kind.equals("record") ? forgedRecord()
                : "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Each kind of garbage, from a server that keeps the connection open (the text waited for the
     * 20,527 bytes its "header" announced, until the deadline) or closes it (the JDK took the end inside
     * that "record" for a clean close: "closed the connection").
     */
    @ParameterizedTest
    @CsvSource({"record, false", "record, true", "text, false", "text, true"})
    void garbageAfterTheHandshakeIsNamedAndNotRetried(String kind, boolean close) throws Exception {
        TestPki pki = TestPki.create(dir);
        ClientTls tls = ClientTls.builder().trustedCa(pki.caCertificate()).build();
        MisbehavingServer.Behaviour garbage = close ? MisbehavingServer.answerWithAndClose(garbage(kind))
                : MisbehavingServer.answerWith(garbage(kind));
        try (MisbehavingServer server = MisbehavingServer.afterTlsHandshake(pki, garbage)) {
            ClientConfig config = ClientConfig.builder().host("localhost").port(server.port()).tls(tls)
                    .requestTimeout(Duration.ofSeconds(20)).build();
            try (EchoClient client = EchoClient.connect(config)) {
                ConnectionLostException lost = assertThrows(ConnectionLostException.class, () -> client.echo("hi"));
                assertTrue(lost.getMessage().contains("the server sent data that is not TLS of this session ("
                        + (kind.equals("record") ? "a record that does not decrypt: bad_record_mac)"
                        : "not a TLS record header: 48 54 54 50 2f (\"HTTP/\"))")), lost.getMessage());
                assertTrue(lost.getMessage().contains("not retried"), lost.getMessage());
                assertEquals(0, client.stats().retried(), "not sent again: " + client.stats());
            }
            assertEquals(1, server.handshakes(), "one handshake, not one per attempt");

            try (EchoConnection connection = EchoConnection.connect(config)) {
                IOException single = assertThrows(IOException.class, () -> connection.echo("hi"));
                assertTrue(single.getMessage().contains("not TLS of this session"), single.getMessage());
            }
        }
    }
}
