package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.PemFiles;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.JMX;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of TLS: the start description, the MXBean's Tls attributes, the stats line's
 * TLS part and the {@code echo_tls_*} meters, each read after a known mix of handshakes; and
 * {@code --tls-client-auth optional} end to end.
 */
class TlsObservabilityTest {
    private static final Duration WAIT = TlsTestSockets.WAIT;
    private static final long DAY_SECONDS = Duration.ofDays(1).toSeconds();

    @TempDir
    Path dir;

    @Test
    void everyTlsCountReachesTheMXBeanTheStatsLineAndTheMetrics() throws Exception {
        TestCertificates pki = TestCertificates.create(dir); // the server's certificate expires in 10 days
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(pki.dir().resolve("ca.pem")).build();
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).metricsPort(0).tls(tls).build()).start()) {
            String description = server.tlsDescription().orElseThrow();
            X509Certificate served = PemFiles.certificates(pki.dir().resolve("server.pem")).get(0);
            for (String part : List.of("TLS TLSv1.3,TLSv1.2", "client certificates require", "CN=localhost", "localhost",
                    "127.0.0.1", "serial " + pki.serverSerial().toString(16), "not after " + served.getNotAfter().toInstant())) {
                assertTrue(description.contains(part), "expected '" + part + "' in the start description: " + description);
            }

            // Two good handshakes, one plain client, one bad record after a good handshake.
            try (WireClient client = WireClient.over(TlsTestSockets.tlsSocket(server, pki.clientContext(), "TLSv1.3"),
                    Framing.DELIMITED)) {
                assertEquals("good", client.echo("good"));
            }
            try (WireClient plain = WireClient.connect(server.port())) {
                ServerMessage answer = plain.call(Messages.echo("plain"));
                assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, answer.getError().getCode(), answer.toString());
            }
            try (Socket tcp = TlsTestSockets.connect(server)) {
                SSLSocket layered = TlsTestSockets.tlsSocket(tcp, server, pki.clientContext(), "TLSv1.3");
                assertEquals("before", WireClient.over(layered, Framing.DELIMITED).echo("before"));
                tcp.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                TlsTestSockets.assertClosedByTheServer(tcp);
            }
            Await.until("2 handshakes, 1 failure, 1 bad record, the clear-text answer counted", WAIT, () -> {
                TlsStats stats = server.tlsStats().orElseThrow();
                return stats.handshakes() == 2 && stats.handshakeFailureTotal() == 1 && stats.badRecords() == 1
                        && server.stats().errorCount(ErrorResponse.Code.MALFORMED_MESSAGE) == 1;
            }, () -> server.tlsStats() + " " + server.stats());

            // Through JMX, as jconsole reads it (the failures' map travels as open data and back).
            EchoServerMXBean mxbean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                    ServerProbe.mbeanName(server), EchoServerMXBean.class);
            assertEquals(2L, mxbean.getTlsHandshakes());
            assertEquals(Map.of("not_tls", 1L), nonZero(mxbean.getTlsHandshakeFailures()));
            assertEquals(1L, mxbean.getTlsBadRecords());
            assertEquals(0L, mxbean.getTlsRefusedUnanswered());
            assertEquals(0L, mxbean.getTlsReloads());
            assertEquals(0L, mxbean.getTlsReloadsRefused());
            long secondsLeft = mxbean.getTlsCertificateSecondsLeft();
            assertTrue(secondsLeft > 9 * DAY_SECONDS && secondsLeft <= 10 * DAY_SECONDS,
                    "expected 9 to 10 days left over JMX, got " + secondsLeft + " s");

            String line = Main.tlsSnapshot(server.tlsStats().orElseThrow());
            assertTrue(line.startsWith(", tls handshakes=2 failed=1 (not_tls=1) bad-records=1 busy-unanswered=0"
                    + " reloads=0 refused=0 expires-in="), "the stats line's TLS part: " + line);

            String scrape = MetricsEndpointTest.get(server.metricsAddress().orElseThrow(), "/metrics").body();
            assertEquals(2, MetricsEndpointTest.sample(scrape, "echo_tls_handshakes_total{result=\"ok\"}"));
            assertEquals(1, MetricsEndpointTest.sample(scrape, "echo_tls_handshakes_total{result=\"failed\"}"));
            assertEquals(1, MetricsEndpointTest.sample(scrape, "echo_tls_handshake_failures_total{reason=\"not_tls\"}"));
            assertEquals(1, MetricsEndpointTest.sample(scrape, "echo_tls_bad_records_total"));
            assertEquals(0, MetricsEndpointTest.sample(scrape, "echo_tls_refused_unanswered_total"));
            // The plain client's clear-text answer is an error answer sent like any other (it was in neither).
            assertEquals(1, MetricsEndpointTest.sample(scrape, "echo_errors_total{code=\"MALFORMED_MESSAGE\"}"));
            assertTrue(MetricsEndpointTest.sample(scrape, "echo_sent_bytes_total") >= Framing.DELIMITED.encode(
                    Messages.error(ErrorResponse.Code.MALFORMED_MESSAGE, TlsTransport.NOT_TLS_DETAIL)).length,
                    "expected the clear-text answer's bytes counted as sent");
            double expiry = MetricsEndpointTest.sample(scrape, "echo_tls_certificate_expiry_seconds");
            assertTrue(expiry > 9 * DAY_SECONDS && expiry <= 10 * DAY_SECONDS,
                    "expected 9 to 10 days on /metrics, got " + expiry + " s");
        }
    }

    /**
     * {@code optional}: a client without a certificate is served, one with a certificate of the
     * client CA is served and known by it, one with a certificate of another CA is refused (a
     * certificate presented is checked even where none is required).
     */
    @Test
    void optionalClientAuthServesClientsWithAndWithoutACertificateAndRefusesAStrangersOne() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(pki.dir().resolve("ca.pem")).clientAuth(ServerTls.ClientAuth.OPTIONAL).build();
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start()) {
            assertEquals("anonymous", echoOver(server, pki.noClientCertificateContext(), "anonymous"));
            assertEquals("known", echoOver(server, pki.clientContext(), "known"));
            assertThrows(IOException.class, () -> echoOver(server, pki.otherCaClientContext(), "stranger"));
            Await.until("the stranger's certificate refused as unknown_ca", WAIT,
                    () -> server.tlsStats().orElseThrow().handshakeFailures(HandshakeFailure.UNKNOWN_CA) == 1,
                    () -> server.tlsStats().toString());
            assertEquals(2, server.tlsStats().orElseThrow().handshakes(), server.tlsStats().toString());
        }
    }

    private static String echoOver(EchoServer server, SSLContext context, String text) throws IOException {
        try (WireClient client = WireClient.over(TlsTestSockets.tlsSocket(server, context, "TLSv1.3"), Framing.DELIMITED)) {
            return client.echo(text);
        }
    }

    private static Map<String, Long> nonZero(Map<String, Long> byLabel) {
        return byLabel.entrySet().stream().filter(e -> e.getValue() != 0)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
