package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handshakes refused for what the common reasons do not cover, each counted under a reason of its own
 * rather than {@code other}: a ClientHello that does not decode, a server name that is no host name, a
 * client chain longer than the JDK takes, a client that offers no signature scheme our key can use,
 * and a client that refuses the server's certificate with an alert whose name (certificate_expired)
 * must not be read as the client's own certificate expiring.
 */
class TlsUnusualRefusalsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aServerNameThatIsNoHostNameIsAMalformedHandshake() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            // The JDK's message quotes the name: words in it ("expired") must not choose the label.
            String name = "placeholder-expired.example";
            byte[] hello = TlsTestSockets.clientHello(pki.clientContext(),
                    parameters -> parameters.setServerNames(List.of(new SNIHostName(name))));
            int at = indexOf(hello, name.getBytes(StandardCharsets.US_ASCII));
            assertTrue(at > 0, "expected the server name in the ClientHello");
            hello[at + "placeholder".length()] = ' '; // "placeholder expired.example": no host name has a space
            assertClosedAfterSending(server, hello);
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.MALFORMED_HANDSHAKE);
        }
    }

    @Test
    void aClientHelloThatDoesNotDecodeIsAMalformedHandshake() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            // A record holding a ClientHello whose cipher-suite list claims more bytes than the message has.
            ByteBuffer body = ByteBuffer.allocate(2 + 32 + 1 + 2 + 4);
            body.putShort((short) 0x0303).put(new byte[32]).put((byte) 0).putShort((short) 0x4000).putInt(0x13011302);
            byte[] message = handshakeMessage(1, body.array());
            assertClosedAfterSending(server, record(0x16, message));
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.MALFORMED_HANDSHAKE);
        }
    }

    @Test
    void aClientChainLongerThanTheJdkTakesIsABadClientCertificate() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            // The JDK takes at most 8 certificates from a client (jdk.tls.server.maxInboundCertificateChainLength).
            assertThrows(IOException.class, () -> echoOver(server, pki.longChainClientContext(9)));
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.BAD_CLIENT_CERTIFICATE);
            try (WireClient client = WireClient.over(tlsSocket(server, pki.longChainClientContext(8)), Framing.DELIMITED)) {
                assertEquals("eight are taken", client.echo("eight are taken"),
                        "expected a chain of 8 accepted: the refusal above is its length");
            }
        }
    }

    @Test
    void aClientThatRefusesOurCertificateAsExpiredLeftItIsNotAnExpiredClientCertificate() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            // The JDK's client answers a server certificate its trust manager finds expired with the
            // alert certificate_expired (an OpenSSL client answers one of an unknown CA with unknown_ca).
            // The server reads that alert, or meets the closed socket when it writes first: either way
            // client_aborted. Which one depends on timing; the test below pins the alert's reading.
            assertThrows(IOException.class, () -> echoOver(server, refusingAsExpired(pki)));
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.CLIENT_ABORTED);
        }
    }

    /**
     * A client that offers only signature schemes our key (EC P-256) cannot sign with: the JDK sends
     * internal_error, and the refusal is a protocol mismatch, not {@code other} (as an attacker found
     * with {@code openssl s_client -sigalgs ECDSA+SHA384}), in TLS 1.3 and 1.2.
     */
    @Test
    void aClientOfferingNoSignatureSchemeOurKeyCanUseIsAProtocolMismatch() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                    .protocols(List.of(protocol)).build();
            try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start()) {
                assertThrows(IOException.class, () -> {
                    try (SSLSocket socket = (SSLSocket) pki.noClientCertificateContext().getSocketFactory()
                            .createSocket(connect(server), "localhost", server.port(), true)) {
                        SSLParameters parameters = socket.getSSLParameters();
                        parameters.setProtocols(new String[] {protocol});
                        parameters.setSignatureSchemes(new String[] {"ecdsa_secp384r1_sha384"});
                        socket.setSSLParameters(parameters);
                        socket.startHandshake();
                    }
                }, "expected the handshake refused in " + protocol);
                TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.PROTOCOL_MISMATCH);
            }
        }
    }

    /** In the words of JDK 25's server: "(NAME) Received fatal alert: NAME" for an alert it received. */
    @Test
    void theAlertAClientSendsIsItsVerdictNotOurs() {
        assertEquals(HandshakeFailure.CLIENT_ABORTED, HandshakeFailure.of(received("unknown_ca")));
        assertEquals(HandshakeFailure.CLIENT_ABORTED, HandshakeFailure.of(received("certificate_expired")));
        assertEquals(HandshakeFailure.CLIENT_ABORTED, HandshakeFailure.of(received("bad_certificate")));
        assertEquals(HandshakeFailure.PROTOCOL_MISMATCH, HandshakeFailure.of(received("protocol_version")));
        assertEquals(HandshakeFailure.PROTOCOL_MISMATCH, HandshakeFailure.of(
                new SSLProtocolException("(unexpected_message) No common named group")),
                "expected no shared key-exchange group read as a mismatch, though the JDK sends unexpected_message");
        assertEquals(HandshakeFailure.UNKNOWN_CA, HandshakeFailure.of(new SSLHandshakeException(
                "(certificate_unknown) PKIX path building failed: unable to find valid certification path")),
                "expected the server's own verdict on a client certificate still read as such");
    }

    /** The JDK quotes a bad server name in its message; what the client wrote there must not pick the label. */
    @Test
    void wordsAClientPutsInItsServerNameDoNotChooseTheReason() {
        for (String words : List.of("Received fatal alert: unknown_ca", "PKIX path building failed", "expired",
                "Unsupported or unrecognized SSL message", "empty client certificate chain")) {
            assertEquals(HandshakeFailure.MALFORMED_HANDSHAKE, HandshakeFailure.of(new SSLHandshakeException(
                    "(illegal_parameter) Illegal server name, type=host_name(0), name=" + words)), words);
        }
        assertEquals(HandshakeFailure.CLIENT_ABORTED, HandshakeFailure.of(new SSLHandshakeException(
                "Remote host terminated the handshake", new SocketException())),
                "expected a client gone mid-handshake read as client_aborted");
    }

    private static SSLHandshakeException received(String alert) {
        return new SSLHandshakeException("(" + alert + ") Received fatal alert: " + alert);
    }

    private static EchoServer start(TestCertificates pki) throws IOException {
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(pki.dir().resolve("ca.pem")).build();
        return EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start();
    }

    private static void echoOver(EchoServer server, SSLContext context) throws IOException {
        try (SSLSocket socket = tlsSocket(server, context)) {
            WireClient.over(socket, Framing.DELIMITED).echo("should not be answered"); // TLS 1.3: a refusal may show here
        }
    }

    private static SSLSocket tlsSocket(EchoServer server, SSLContext context) throws IOException {
        return TlsTestSockets.tlsSocket(server, context, "TLSv1.3");
    }

    private static Socket connect(EchoServer server) throws IOException {
        return TlsTestSockets.connect(server);
    }

    /** Sends {@code bytes} on a new connection and expects the server to close it (not to wait for more). */
    private static void assertClosedAfterSending(EchoServer server, byte[] bytes) throws IOException {
        try (Socket socket = connect(server)) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            TlsTestSockets.assertClosedByTheServer(socket);
        }
    }

    private static byte[] handshakeMessage(int type, byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(type << 24 | body.length).put(body).array();
    }

    private static byte[] record(int type, byte[] fragment) {
        return ByteBuffer.allocate(5 + fragment.length).put((byte) type).putShort((short) 0x0301)
                .putShort((short) fragment.length).put(fragment).array();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Presents the client certificate and refuses every server certificate as expired. */
    private static SSLContext refusingAsExpired(TestCertificates pki) {
        return pki.clientContextTrusting(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("the server's certificate has expired (as this test pretends)",
                        new CertPathValidatorException("expired", null, null, -1,
                                CertPathValidatorException.BasicReason.EXPIRED));
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
    }
}
