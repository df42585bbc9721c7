package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS server whose buffer budget holds fewer connections' record buffers than its connection limit
 * refuses TLS clients past the budget with SERVER_BUSY however many slots are free (an attacker's
 * finding: 443 idle TLS clients filled a 128 MiB heap's server whose limit said 10,000). The operator
 * is told at the start, with the two numbers and what to change.
 */
class TlsCapacityWarningTest {
    private static final int LIMIT = 10;

    @TempDir
    Path dir;

    private ServerConfig.Builder tlsConfig(long connectionsThatFit) throws IOException {
        TestPki pki = TestPki.create(dir);
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key")).build();
        return ServerConfig.builder().port(0).tls(tls).maxFrameBytes(1024).maxConnections(LIMIT)
                .maxBufferedBytes(connectionsThatFit * TlsTransport.RECORD_BUFFER_BYTES);
    }

    @Test
    void aBudgetForFewerTlsConnectionsThanTheLimitIsWarnedOfWithBothNumbers() throws IOException {
        Optional<String> warning = EchoServer.tlsCapacityWarning(tlsConfig(LIMIT - 1).build());
        assertTrue(warning.isPresent(), "expected a warning for a budget of " + (LIMIT - 1) + " TLS connections");
        String line = warning.get();
        assertTrue(line.contains("record buffers of " + (LIMIT - 1) + " connections")
                && line.contains("fewer than the " + LIMIT + " of --max-connections")
                && line.contains("--max-buffered-bytes"), line);
    }

    @Test
    void aBudgetThatHoldsTheLimitOrAPlainServerIsNotWarnedOf() throws IOException {
        assertEquals(Optional.empty(), EchoServer.tlsCapacityWarning(tlsConfig(LIMIT).build()));
        // In clear text a connection takes nothing from the budget before its frames.
        assertEquals(Optional.empty(), EchoServer.tlsCapacityWarning(tlsConfig(1).tls(null).build()));
    }
}
