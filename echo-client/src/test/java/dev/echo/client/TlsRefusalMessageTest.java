package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.ClientTls;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.ServerTls;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under TLS 1.3 a server refuses a missing client certificate after the client's handshake has
 * ended, so the refusal reaches the client on its first read: both clients must still say which
 * refusal it was, not "connection lost".
 */
class TlsRefusalMessageTest {

    private static final String NO_CERTIFICATE = "the server requires a client certificate";

    @TempDir
    Path dir;

    private EchoServer mutualTlsServer(TestPki pki) throws IOException {
        ServerTls tls = ServerTls.builder(pki.server().certificate(), pki.server().key())
                .clientCa(pki.caCertificate()).build();
        return EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start();
    }

    private static ClientConfig.Builder to(EchoServer server, ClientTls tls) {
        return ClientConfig.builder().host("localhost").port(server.port()).tls(tls)
                .requestTimeout(Duration.ofSeconds(20));
    }

    @Test
    void aMissingClientCertificateIsNamedByBothClients() throws IOException {
        TestPki pki = TestPki.create(dir);
        ClientTls noCertificate = ClientTls.builder().trustedCa(pki.caCertificate()).build();
        try (EchoServer server = mutualTlsServer(pki)) {
            IOException oneConnection = assertThrows(IOException.class, () -> {
                try (EchoConnection connection = EchoConnection.connect(to(server, noCertificate).build())) {
                    connection.echo("hi");
                }
            });
            assertTrue(oneConnection.getMessage().contains(NO_CERTIFICATE), oneConnection.getMessage());

            try (EchoClient client = EchoClient.connect(to(server, noCertificate).noRetries().build())) {
                EchoClientException shared = assertThrows(EchoClientException.class, () -> client.echo("hi"));
                assertTrue(shared.getMessage().contains(NO_CERTIFICATE), shared.getMessage());
            }

            // With retries on (the default), a refusal is the server's verdict: not sent again.
            try (EchoClient client = EchoClient.connect(to(server, noCertificate).build())) {
                ConnectionLostException refused = assertThrows(ConnectionLostException.class, () -> client.echo("hi"));
                assertTrue(refused.getMessage().contains(NO_CERTIFICATE) && refused.getMessage().contains("not retried"),
                        refused.getMessage());
                assertEquals(0, client.stats().retried(), "not retried: " + client.stats());
                assertEquals(0, client.stats().inFlight(), "its permit given back: " + client.stats());
            }

            ClientTls withCertificate = ClientTls.builder().trustedCa(pki.caCertificate())
                    .clientCertificate(pki.client().certificate(), pki.client().key()).build();
            try (EchoClient client = EchoClient.connect(to(server, withCertificate).build())) {
                assertEquals("hi", client.echo("hi"), "the same server answers a client with a certificate");
            }
        }
    }
}
