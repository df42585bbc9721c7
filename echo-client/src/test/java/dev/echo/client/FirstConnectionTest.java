package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.ClientTls;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.ServerTls;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link EchoClient#connect} over several addresses returns with the first one connected. */
@Timeout(60)
class FirstConnectionTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static EchoServer tlsServer(TestPki pki) throws IOException {
        ServerTls tls = ServerTls.builder(pki.server().certificate(), pki.server().key()).build();
        return EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start();
    }

    /**
     * One address takes TCP connections but never answers the TLS handshake: connect() waited for it,
     * the whole connect timeout, though the other was up at once (and for ever with no timeout: an
     * attacker's finding).
     */
    @Test
    void connectReturnsWithTheFirstAddressConnectedNotTheSlowest() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (EchoServer server = tlsServer(pki);
             SilentPeer handshakeNeverAnswered = new SilentPeer(socket -> socket.getInputStream().readAllBytes())) {
            ClientConfig config = ClientConfig.builder().host("127.0.0.1")
                    .addresses("127.0.0.1:" + handshakeNeverAnswered.port(), "127.0.0.1:" + server.port())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .connectTimeout(CONNECT_TIMEOUT).build();
            long start = System.nanoTime();
            try (EchoClient client = EchoClient.connect(config)) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < CONNECT_TIMEOUT.toMillis() / 2, "connect() returned after " + millis
                        + " ms: it waited for the silent address (connect timeout " + CONNECT_TIMEOUT + ")");
                handshakeNeverAnswered.acceptedSocket(); // the silent address was tried, and its attempt goes on
                assertEquals(1, client.stats().connections(), "the TLS server's connection");
                for (int i = 0; i < 10; i++) {
                    assertEquals("via the good one " + i, client.echo("via the good one " + i));
                }
            }
        }
    }

    /**
     * With no connect timeout, the attempt at the silent address waits for its handshake's 10 s:
     * {@code close()} must end it sooner (its socket closed, so the peer reads the end). It was left
     * waiting, thread and socket (for ever, when a handshake had no limit either).
     */
    @Test
    void closeEndsAFirstAttemptThatWouldWaitForEver() throws Exception {
        TestPki pki = TestPki.create(dir);
        CompletableFuture<String> attemptEnded = new CompletableFuture<>();
        try (EchoServer server = tlsServer(pki);
             SilentPeer handshakeNeverAnswered = new SilentPeer(socket -> {
                 try {
                     attemptEnded.complete(socket.getInputStream().readAllBytes().length + " bytes, then the end");
                 } catch (IOException e) {
                     attemptEnded.complete(e.toString());
                 }
             })) {
            ClientConfig config = ClientConfig.builder().host("127.0.0.1")
                    .addresses("127.0.0.1:" + handshakeNeverAnswered.port(), "127.0.0.1:" + server.port())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .connectTimeout(Duration.ZERO).build();
            try (EchoClient client = EchoClient.connect(config)) {
                handshakeNeverAnswered.acceptedSocket();
                assertEquals("up", client.echo("up"));
                assertFalse(attemptEnded.isDone(), "the silent address's attempt waits while the client is open");
            }
            // Within 5 s of close(), and so before the handshake's own 10 s would end it.
            String end = attemptEnded.completeOnTimeout("still waiting", 5, TimeUnit.SECONDS).get();
            assertTrue(end.endsWith("then the end") || end.contains("SocketException"),
                    "close() ends the first attempt at the silent address within 5 s: " + end);
        }
    }

    /**
     * A server that takes the connection and stalls the handshake: the failure names the handshake,
     * not the TCP connect ("no connection within 300ms" it said, while the connect had taken no time).
     */
    @Test
    void aStalledHandshakeIsNamedAsTheHandshakes() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (SilentPeer handshakeNeverAnswered = new SilentPeer(socket -> socket.getInputStream().readAllBytes())) {
            ClientConfig config = ClientConfig.builder().port(handshakeNeverAnswered.port())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .connectTimeout(Duration.ofMillis(300)).build();
            EchoClientException e = org.junit.jupiter.api.Assertions.assertThrows(EchoClientException.class,
                    () -> EchoClient.connect(config).close());
            assertTrue(e.getMessage().contains("the TLS handshake did not complete in time (no answer within 300ms)"),
                    e.getMessage());
        }
    }
}
