package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records a peer sends without end during its handshake, each cheap to send and a turn of the JDK's to
 * read: the server ends such a handshake at once ({@link RecordLimits}), not at its timeout, and
 * counts it as {@code too_many_records}; what a peer sends after a failed handshake is drained up to
 * a bound in bytes, not for the drain's 5 s.
 */
class TlsRecordFloodTest {
    /** Long, so that a handshake ended by its timeout cannot pass for one ended by the bound. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** How soon a flooded handshake must be over: well before the timeout, with room for a busy machine. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(10);
    /** How soon a flooded drain must be over: before the drain's own bound of 5 s. */
    private static final Duration DRAIN_CLOSED_WITHIN = Duration.ofSeconds(4);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] USER_CANCELED_WARNING = {0x15, 3, 3, 0, 2, 1, 90};
    private static final byte[] NO_RENEGOTIATION_WARNING = {0x15, 3, 3, 0, 2, 1, 100};

    @TempDir
    Path dir;

    /**
     * "SSL Death Alert" (CVE-2016-8610's pattern): a TLS 1.2 ClientHello, then warning alerts without
     * end. The JDK read them for the whole handshake timeout, a core per connection, under mutual TLS
     * too (no certificate needed); now the fifth in a row ends the handshake.
     */
    @Test
    void warningAlertsAfterAClientHelloEndTheHandshakeLongBeforeItsTimeout() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            Flood flood = floodUntilClosed(server, clientHello(pki.noClientCertificateContext(), "TLSv1.2"),
                    USER_CANCELED_WARNING);
            assertTrue(flood.closed(), "expected the server to close the connection within " + CLOSED_WITHIN
                    + " (handshake timeout " + HANDSHAKE_TIMEOUT + "); " + flood);
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.TOO_MANY_RECORDS);
        }
    }

    /**
     * A ClientHello announcing 32 KiB, sent in 1-byte records: the JDK copies all it has for each
     * fragment (0.5 s of CPU for 196 KB sent, an attacker's measurement). Refused at the record bound.
     */
    @Test
    void aHandshakeMessageInOneByteRecordsEndsAtTheRecordBound() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            int length = 32_000;
            byte[] message = ByteBuffer.allocate(4 + length).putInt(1 << 24 | length).array();
            ByteBuffer records = ByteBuffer.allocate(message.length * 6);
            for (byte b : message) {
                records.put((byte) 0x16).putShort((short) 0x0301).putShort((short) 1).put(b);
            }
            Flood flood = floodUntilClosed(server, Arrays.copyOf(records.array(), records.position()), null);
            assertTrue(flood.closed(), "expected the server to close the connection within " + CLOSED_WITHIN + "; " + flood);
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.TOO_MANY_RECORDS);
        }
    }

    /** A ClientHello split into a hundred records, as some clients split theirs, still gets the server's answer. */
    @Test
    void aClientHelloSplitIntoAHundredRecordsIsAnswered() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki); Socket socket = TlsTestSockets.connect(server)) {
            byte[] hello = clientHello(pki.clientContext(), "TLSv1.3");
            byte[] body = Arrays.copyOfRange(hello, 5, hello.length);
            int size = Math.ceilDiv(body.length, 100);
            ByteBuffer records = ByteBuffer.allocate(body.length + 5 * 100);
            for (int at = 0; at < body.length; at += size) {
                int n = Math.min(size, body.length - at);
                records.put((byte) 0x16).putShort((short) 0x0301).putShort((short) n).put(body, at, n);
            }
            socket.getOutputStream().write(records.array(), 0, records.position());
            socket.getOutputStream().flush();
            byte[] header = socket.getInputStream().readNBytes(5);
            assertEquals(0x16, header[0], "expected the server's handshake flight, got " + RecordHeaderCheckingInputStream.hex(header));
            assertEquals(0, server.tlsStats().orElseThrow().handshakeFailureTotal());
        }
    }

    /**
     * A warning no_renegotiation where the JDK ends the handshake ("received handshake warning") is the
     * client's alert; it was counted as a protocol or cipher mismatch, from the handshake_failure alert
     * the JDK answers it with.
     */
    @Test
    void aWarningThatEndsTheHandshakeIsTheClientAborting() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            byte[] hello = clientHello(pki.noClientCertificateContext(), "TLSv1.2");
            byte[] both = Arrays.copyOf(hello, hello.length + NO_RENEGOTIATION_WARNING.length);
            System.arraycopy(NO_RENEGOTIATION_WARNING, 0, both, hello.length, NO_RENEGOTIATION_WARNING.length);
            try (Socket socket = TlsTestSockets.connect(server)) {
                socket.getOutputStream().write(both);
                socket.getOutputStream().flush();
                TlsTestSockets.assertClosedByTheServer(socket);
            }
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.CLIENT_ABORTED);
        }
        assertEquals(HandshakeFailure.CLIENT_ABORTED, HandshakeFailure.of(
                new SSLHandshakeException("(handshake_failure) received handshake warning: no_renegotiation")));
        assertEquals(HandshakeFailure.PROTOCOL_MISMATCH, HandshakeFailure.of(
                new SSLHandshakeException("(handshake_failure) received handshake warning: protocol_version")));
        assertEquals(HandshakeFailure.NO_CLIENT_CERTIFICATE, HandshakeFailure.of(
                new SSLHandshakeException("(handshake_failure) received handshake warning: no_certificate")));
    }

    /**
     * After a failed handshake the server drains what the peer sends, so that a reset does not destroy
     * its alert; a peer that floods the drain was read for all its 5 s (3.7 GB, 4 s of CPU, an attacker
     * measured). Now it is closed after {@link ConnectionHandler#MAX_DRAIN_BYTES_AFTER_ALERT}.
     */
    @Test
    void theDrainAfterAFailedHandshakeIsBoundedByBytes() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki)) {
            // A ClientHello whose cipher-suite list claims more bytes than the message has: malformed.
            ByteBuffer body = ByteBuffer.allocate(2 + 32 + 1 + 2 + 4);
            body.putShort((short) 0x0303).put(new byte[32]).put((byte) 0).putShort((short) 0x4000).putInt(0x13011302);
            byte[] message = ByteBuffer.allocate(4 + body.capacity()).putInt(1 << 24 | body.capacity()).put(body.array()).array();
            byte[] hello = ByteBuffer.allocate(5 + message.length).put((byte) 0x16).putShort((short) 0x0301)
                    .putShort((short) message.length).put(message).array();
            Flood flood = floodUntilClosed(server, hello, new byte[4096], DRAIN_CLOSED_WITHIN);
            assertTrue(flood.closed(), "expected the server to close the connection within " + DRAIN_CLOSED_WITHIN
                    + ", not at the drain's 5 s; " + flood);
            TlsTestSockets.awaitOnlyFailure(server, HandshakeFailure.MALFORMED_HANDSHAKE);
        }
    }

    private static EchoServer start(TestCertificates pki) throws IOException {
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(pki.dir().resolve("ca.pem")).clientAuth(ServerTls.ClientAuth.REQUIRE)
                .handshakeTimeout(HANDSHAKE_TIMEOUT).build();
        return EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start();
    }

    /** How a flood ended: whether the server closed the connection in time, after how many bytes and how long. */
    private record Flood(boolean closed, long bytesSent, Duration took) {}

    /**
     * Sends {@code first}, then {@code repeated} over and over, on a thread of its own, until a write
     * fails: the server closed the connection (its FIN alone, which a drain follows, lets writes go on).
     * With no {@code repeated}, until the server's output ends. Waits for that at most {@code within}.
     */
    private static Flood floodUntilClosed(EchoServer server, byte[] first, byte[] repeated) throws Exception {
        return floodUntilClosed(server, first, repeated, CLOSED_WITHIN);
    }

    private static Flood floodUntilClosed(EchoServer server, byte[] first, byte[] repeated, Duration within)
            throws Exception {
        try (Socket socket = TlsTestSockets.connect(server)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            AtomicLong sent = new AtomicLong();
            byte[] chunk = repeated == null ? new byte[0] : repeat(repeated, Math.max(1, 16384 / repeated.length));
            long start = System.nanoTime();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    out.write(first);
                    sent.addAndGet(first.length);
                    while (repeated != null) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // closed by the server: a reset or a broken pipe
                }
            });
            Thread reader = Thread.ofPlatform().daemon().start(() -> { // the server's flight and alert, so its writes never wait
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // closed
                }
            });
            boolean closed = (repeated == null ? reader : writer).join(within);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            socket.close(); // ends the writer and reader if they still run
            writer.join(WAIT);
            reader.join(WAIT);
            assertFalse(writer.isAlive() || reader.isAlive(), "expected the test's threads to end once the socket is closed");
            return new Flood(closed, sent.get(), took);
        }
    }

    private static byte[] clientHello(SSLContext context, String protocol) throws IOException {
        return TlsTestSockets.clientHello(context, parameters -> parameters.setProtocols(new String[] {protocol}));
    }

    private static byte[] repeat(byte[] bytes, int times) {
        byte[] all = new byte[bytes.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
        }
        return all;
    }
}
