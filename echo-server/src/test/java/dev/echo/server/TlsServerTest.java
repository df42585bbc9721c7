package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.BufferBudget;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.PemFiles;
import dev.echo.core.tls.TlsMaterialException;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS listener in one JVM, with real certificates and the JDK's TLS on both sides: mutual TLS
 * served, every refusal counted under its own reason, the handshake's deadline, SERVER_BUSY at the
 * limit, the graceful end, and reloads (by rewriting the files, and by Kubernetes' {@code ..data}
 * swap; a broken change kept out).
 */
class TlsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void mutualTlsIsServedAndCounted() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b)) {
            try (WireClient client = tlsClient(server, pki.clientContext())) {
                assertEquals("hello over TLS", client.echo("hello over TLS"));
                assertEquals(42, client.add(40, 2));
            }
            Await.until("one handshake counted", WAIT, () -> server.tlsStats().orElseThrow().handshakes() == 1);
            assertEquals(0, server.tlsStats().orElseThrow().handshakeFailureTotal());
        }
    }

    /**
     * A handshake timeout too long for a long of nanoseconds (an attacker's finding: above ~292 years,
     * --tls-handshake-timeout 999999999h) is as good as none: every connection failed with an
     * ArithmeticException, logged at WARN with its stack.
     */
    @Test
    void aHandshakeTimeoutBeyondALongOfNanosecondsServesAsNone() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b.handshakeTimeout(Duration.ofHours(999_999_999)));
             WireClient client = tlsClient(server, pki.clientContext())) {
            assertEquals("served", client.echo("served"));
        }
    }

    @Test
    void eachRefusalIsCountedUnderItsOwnReasonAndDisturbsNobodyElse() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b)) {
            try (WireClient legitimate = tlsClient(server, pki.clientContext())) {
                assertEquals("before", legitimate.echo("before"));

                // A plain client is told, in clear text and in its framing, that the port speaks TLS.
                try (WireClient plain = WireClient.connect(server.port())) {
                    ServerMessage answer = plain.call(dev.echo.core.Messages.echo("hi"));
                    assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, answer.getError().getCode());
                    assertTrue(answer.getError().getDetail().startsWith("this port speaks TLS"), answer.toString());
                }
                // So is one whose first byte is a TLS handshake record's, 0x16: a delimited frame of 22 bytes.
                try (WireClient plain = WireClient.connect(server.port())) {
                    ServerMessage answer = plain.call(echoWhoseFrameStartsWith0x16());
                    assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, answer.getError().getCode());
                    assertTrue(answer.getError().getDetail().startsWith("this port speaks TLS"), answer.toString());
                }
                assertHandshakeFails(server, pki.noClientCertificateContext());
                assertHandshakeFails(server, pki.otherCaClientContext());
                assertHandshakeFails(server, pki.expiredClientContext());
                assertHandshakeFails(server, pki.clientContext(), "TLSv1.2"); // the server offers TLSv1.3 only here

                Await.until("each refusal counted under its reason", WAIT, () -> {
                    TlsStats tls = server.tlsStats().orElseThrow();
                    return tls.handshakeFailures(HandshakeFailure.NOT_TLS) == 2
                            && tls.handshakeFailures(HandshakeFailure.NO_CLIENT_CERTIFICATE) == 1
                            && tls.handshakeFailures(HandshakeFailure.UNKNOWN_CA) == 1
                            && tls.handshakeFailures(HandshakeFailure.EXPIRED) == 1
                            && tls.handshakeFailures(HandshakeFailure.PROTOCOL_MISMATCH) == 1;
                }, () -> server.tlsStats().orElseThrow().handshakeFailures().toString());
                assertEquals("after", legitimate.echo("after"), "expected the legitimate client undisturbed");
            }
        }
    }

    @Test
    void aSilentOrHalfHelloClientIsClosedAtTheHandshakeDeadline() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b.handshakeTimeout(Duration.ofMillis(300)))) {
            try (Socket silent = TlsTestSockets.connect(server); Socket half = TlsTestSockets.connect(server)) {
                half.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello's start
                long started = System.nanoTime();
                TlsTestSockets.assertClosedByTheServer(silent);
                TlsTestSockets.assertClosedByTheServer(half);
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis < 5_000, "expected both closed near the 300 ms deadline, took " + tookMillis + " ms");
            }
            Await.until("two handshake timeouts counted", WAIT,
                    () -> server.tlsStats().orElseThrow().handshakeFailures(HandshakeFailure.TIMEOUT) == 2);
            Await.until("their slots given back", WAIT, () -> server.stats().connectionsActive() == 0);
        }
    }

    /**
     * A TLS refusal is counted as SERVER_BUSY (and its bytes as sent) only once written: over the
     * limit, 5 clients that close at once and one without a client certificate (its refusal's
     * handshake fails) are rejected and unanswered; one that completes the handshake is answered.
     * An attacker saw all 100 of 100 closed-at-once clients counted as SERVER_BUSY answers, 4,600
     * bytes sent, when the count came before the refusal.
     */
    @Test
    void aRefusalIsCountedAsAnsweredOnlyOnceItsServerBusyIsWritten() throws Exception {
        try (FullServer full = FullServer.start(dir)) {
            TestCertificates pki = full.pki();
            EchoServer server = full.server();
            long bytesOutBefore = server.stats().bytesOut();
            for (int i = 0; i < 5; i++) {
                TlsTestSockets.connect(server).close();
            }
            assertHandshakeFails(server, pki.noClientCertificateContext());
            Await.until("6 refusals rejected and unanswered", WAIT, () -> server.stats().connectionsRejected() == 6
                    && server.tlsStats().orElseThrow().refusedUnanswered() == 6,
                    () -> server.stats() + " " + server.tlsStats().orElseThrow());
            assertEquals(0, server.stats().errorCount(ErrorResponse.Code.SERVER_BUSY), "expected no SERVER_BUSY counted: none was sent");
            assertEquals(bytesOutBefore, server.stats().bytesOut(), "expected no bytes counted as sent to them");

            try (WireClient refused = tlsClient(server, pki.clientContext())) {
                ServerMessage busy = refused.receive();
                assertEquals(ErrorResponse.Code.SERVER_BUSY, busy.getError().getCode(), busy.toString());
            }
            Await.until("the answered refusal counted", WAIT, () -> server.stats().errorCount(ErrorResponse.Code.SERVER_BUSY) == 1,
                    () -> server.stats().toString());
            assertEquals(7, server.stats().connectionsRejected(), server.stats().toString());
            assertEquals(6, server.tlsStats().orElseThrow().refusedUnanswered(), "expected the answered one not unanswered");
            assertTrue(server.stats().bytesOut() > bytesOutBefore, "expected its answer's bytes counted: " + server.stats());
        }
    }

    /**
     * A refused client that sends nothing keeps its refusal {@link TlsTransport#REFUSAL_TIMEOUT}, no
     * longer: then it is closed and counted unanswered, and no SERVER_BUSY is counted as sent.
     */
    @Test
    void aRefusalThatRunsOutOfItsTimeIsClosedAndCountedUnanswered() throws Exception {
        try (FullServer full = FullServer.start(dir)) {
            EchoServer server = full.server();
            try (Socket silent = TlsTestSockets.connect(server)) {
                long connected = System.nanoTime();
                TlsTestSockets.assertClosedByTheServer(silent);
                long heldMillis = (System.nanoTime() - connected) / 1_000_000;
                assertTrue(heldMillis >= TlsTransport.REFUSAL_TIMEOUT.toMillis() - 100,
                        "expected the refusal to wait its " + TlsTransport.REFUSAL_TIMEOUT + " for the client, closed after "
                                + heldMillis + " ms");
            }
            Await.until("the refusal counted unanswered", WAIT, () -> server.tlsStats().orElseThrow().refusedUnanswered() == 1,
                    () -> server.tlsStats().orElseThrow().toString());
            assertEquals(1, server.stats().connectionsRejected(), server.stats().toString());
            assertEquals(0, server.stats().errorCount(ErrorResponse.Code.SERVER_BUSY), "expected no SERVER_BUSY counted: none was sent");
        }
    }

    /**
     * A TLS connection needs its record buffers from the budget before its first byte: with no room,
     * the client is told SERVER_BUSY (out of buffer space) over TLS, and that answer is counted once
     * written; one that goes away at once is counted unanswered instead.
     */
    @Test
    void aClientTheBufferBudgetHasNoRoomForIsToldServerBusyAndCountedOnceWritten() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b, c -> c.maxBufferedBytes(TlsTransport.RECORD_BUFFER_BYTES - 1))) {
            try (WireClient refused = tlsClient(server, pki.clientContext())) {
                ServerMessage busy = refused.receive();
                assertEquals(ErrorResponse.Code.SERVER_BUSY, busy.getError().getCode(), busy.toString());
                assertTrue(busy.getError().getDetail().contains("buffer"), "expected the reason named: " + busy);
            }
            Await.until("the answered refusal counted", WAIT, () -> server.stats().errorCount(ErrorResponse.Code.SERVER_BUSY) == 1,
                    () -> server.stats().toString());
            TlsTestSockets.connect(server).close();
            Await.until("the one closed at once counted unanswered", WAIT,
                    () -> server.tlsStats().orElseThrow().refusedUnanswered() == 1, () -> server.tlsStats().orElseThrow().toString());
            assertEquals(2, server.stats().bufferBudgetRefusals(), server.stats().toString());
            assertEquals(1, server.stats().errorCount(ErrorResponse.Code.SERVER_BUSY), "expected only the written answer counted");
            assertTrue(server.stats().bytesOut() > 0, "expected the answer's bytes counted: " + server.stats());
        }
    }

    /**
     * Frames cannot take the part of the budget kept for new TLS connections: four clients that each send
     * all but 10 bytes of a 1 MiB frame, into a budget that four such connections would fill to within
     * less than one connection's record buffers, get three frames buffered and the fourth refused, and a
     * new TLS client is served. Without the reserve all four were buffered and every new TLS client was
     * told SERVER_BUSY until they timed out (an attacker filled a 64 MiB budget with 28 such frames).
     */
    @Test
    void framesHeldByOthersLeaveRoomForANewTlsClient() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        byte[] frame = frameOf(1024 * 1024);
        long perHolder = TlsTransport.RECORD_BUFFER_BYTES + frame.length - BufferBudget.OWN_BYTES;
        long budget = 4 * perHolder + TlsTransport.RECORD_BUFFER_BYTES / 2;
        List<WireClient> holders = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        try (EchoServer server = start(pki, b -> b, c -> c.maxFrameBytes(frame.length + 1024).maxBufferedBytes(budget))) {
            try {
                for (int i = 0; i < 4; i++) {
                    WireClient holder = tlsClient(server, pki.clientContext());
                    holders.add(holder);
                    senders.add(Thread.ofVirtual().start(() -> {
                        try {
                            holder.write(frame, 0, frame.length - 10);
                        } catch (IOException refused) {
                            // the refused one is closed while it sends
                        }
                    }));
                }
                Await.until("one holder refused, or all four frames buffered", WAIT,
                        () -> server.stats().bufferBudgetRefusals() == 1 || server.bufferBudget().used() >= 4 * perHolder - 64,
                        () -> server.bufferBudget().toString());
                try (WireClient late = tlsClient(server, pki.clientContext())) {
                    assertEquals("late", late.echo("late"), "expected a new TLS client served beside the held frames");
                }
                assertEquals(1, server.stats().bufferBudgetRefusals(), "expected the fourth frame refused: " + server.stats());
                assertTrue(server.bufferBudget().used() <= budget, "never over the budget: " + server.bufferBudget());
            } finally {
                for (WireClient holder : holders) {
                    holder.close();
                }
                for (Thread sender : senders) {
                    sender.join(WAIT);
                }
            }
        }
    }

    /** An echo request framed as the server's default framing, {@code totalBytes} long in all. */
    private static byte[] frameOf(int totalBytes) {
        Framing framing = ServerConfig.builder().build().framing();
        int content = totalBytes;
        byte[] frame;
        while ((frame = framing.encode(Messages.echo("f".repeat(content)))).length != totalBytes) {
            content -= frame.length - totalBytes;
        }
        return frame;
    }

    @Test
    void atTheConnectionLimitATlsClientIsToldServerBusyAndTheAcceptLoopIsNotHeld() throws Exception {
        try (FullServer full = FullServer.start(dir)) {
            TestCertificates pki = full.pki();
            EchoServer server = full.server();
            WireClient holder = full.holder();
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < TlsTransport.MAX_REFUSALS + 8; i++) {
                    silent.add(TlsTestSockets.connect(server)); // over the limit, sending nothing: each refusal waits for it
                }
                try (WireClient refused = tlsClient(server, pki.clientContext())) {
                    ServerMessage busy = refused.receive();
                    assertEquals(ErrorResponse.Code.SERVER_BUSY, busy.getError().getCode(), busy.toString());
                } catch (IOException e) {
                    // Every refusal slot may be taken by the silent ones: then it is closed unanswered, and counted.
                    Await.until("an unanswered refusal counted", WAIT,
                            () -> server.tlsStats().orElseThrow().refusedUnanswered() > 0);
                }
                holder.close();
                Await.until("the holder's slot given back", WAIT, () -> server.stats().connectionsActive() == 0);
                try (WireClient next = tlsClient(server, pki.clientContext())) {
                    assertEquals("served", next.echo("served"), "expected the accept loop free despite the silent clients");
                }
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    /**
     * A client over the limit that trickles its ClientHello, a byte every 300 ms, holds its refusal's
     * slot no longer than one that sends nothing: every read of the refusal waits only for what is left
     * of {@link TlsTransport#REFUSAL_TIMEOUT}, not for a fresh timeout per read.
     */
    @Test
    void aClientOverTheLimitTricklingItsHelloIsClosedAtTheRefusalTimeout() throws Exception {
        try (FullServer full = FullServer.start(dir)) {
            EchoServer server = full.server();
            long started = System.nanoTime(); // the refusal's 2 s start at its accept, after this
            Socket trickler = TlsTestSockets.connect(server);
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] header = {0x16, 0x03, 0x01, 0x02, 0x00}; // a handshake record of 512 bytes, then its body
                try {
                    for (int i = 0; System.nanoTime() - started < WAIT.toNanos(); i++) {
                        trickler.getOutputStream().write(i < header.length ? header[i] : 0);
                        Thread.sleep(300); // the attack's pace, not a wait for the server
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server, or the test is over
                }
            });
            try {
                TlsTestSockets.assertClosedByTheServer(trickler);
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis < TlsTransport.REFUSAL_TIMEOUT.toMillis() + 6_000,
                        "expected the trickling client closed near the refusal timeout of "
                                + TlsTransport.REFUSAL_TIMEOUT + ", took " + tookMillis + " ms");
            } finally {
                trickler.close();
                writer.interrupt();
                writer.join();
            }
        }
    }

    /**
     * Clients over the limit that send a ClientHello and never read hold their refusal slots no longer
     * than {@link TlsTransport#REFUSAL_TIMEOUT} either, though the server's first flight (a certificate
     * with 100,000 names here, about 2.3 MB, beyond what loopback's send buffer grows to) does not fit the sockets' buffers and each refusal's write
     * blocks: the idle sweeper closes a refusal past its deadline whatever it is doing. While they hold
     * every slot, a client over the limit is closed unanswered; soon after their deadline one is
     * answered again. (Raw sockets throughout: the JDK's TLS client takes no handshake message over
     * 32 KiB, and a TCP connection that sends nothing holds the one connection slot until the
     * handshake deadline, a minute here.)
     */
    @Test
    void clientsOverTheLimitThatNeverReadGiveTheirRefusalSlotsBackAtTheTimeout() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        for (int i = 0; i < 100_000; i++) {
            names.add("replica-" + i + ".echo.test");
        }
        pki.reissueServer(dir.resolve("server.pem"), dir.resolve("server.key"), names);
        try (EchoServer server = start(pki, b -> b.handshakeTimeout(Duration.ofMinutes(1)), c -> c.maxConnections(1));
             Socket holder = TlsTestSockets.connect(server)) {
            Await.until("the holder counted", WAIT, () -> server.stats().connectionsActive() == 1);
            byte[] hello = clientHello(pki.clientContext(), server.port());
            List<Socket> nonReaders = new ArrayList<>();
            try {
                long started = System.nanoTime();
                for (int i = 0; i < TlsTransport.MAX_REFUSALS; i++) {
                    Socket socket = new Socket();
                    socket.setReceiveBufferSize(1024); // the server's flight stays in its send buffer
                    nonReaders.add(TlsTestSockets.connected(socket, server));
                    socket.getOutputStream().write(hello);
                }
                Await.until("a client over the limit closed unanswered while the non-readers hold every refusal slot",
                        WAIT, () -> !answersAHello(server, hello), () -> server.tlsStats().orElseThrow().toString());
                Await.until("a client over the limit answered again", WAIT, () -> answersAHello(server, hello),
                        () -> server.tlsStats().orElseThrow().toString());
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis >= TlsTransport.REFUSAL_TIMEOUT.toMillis(),
                        "expected the non-readers to hold the slots until their timeout, freed after " + tookMillis + " ms");
                assertTrue(server.tlsStats().orElseThrow().refusedUnanswered() >= 1, server.tlsStats().orElseThrow().toString());
            } finally {
                for (Socket socket : nonReaders) {
                    socket.close();
                }
            }
        }
    }

    /** Whether a new client sending {@code hello} gets the server's handshake (a refusal slot was free) rather than a close. */
    private static boolean answersAHello(EchoServer server, byte[] hello) {
        try (Socket client = TlsTestSockets.connect(server)) {
            client.getOutputStream().write(hello);
            return client.getInputStream().read() == 0x16;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a client over the limit was neither answered nor closed within " + WAIT, e);
        } catch (IOException closedOrReset) {
            return false;
        }
    }

    @Test
    void anIdleTlsConnectionEndsWithCloseNotifyAndFin() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b, c -> c.idleTimeout(Duration.ofMillis(300)))) {
            try (WireClient client = tlsClient(server, pki.clientContext())) {
                assertEquals("x", client.echo("x"));
                assertEquals(null, client.receiveOrNull(), "expected a clean end of stream (close_notify), not a reset");
            }
            Await.until("an idle timeout counted", WAIT, () -> server.stats().idleTimeouts() == 1);
        }
    }

    /** An answer's bytes are counted once it has left, though the connection stays open and quiet. */
    @Test
    void theBytesOfAnAnswerAreCountedWhileItsConnectionStaysOpen() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b); WireClient client = tlsClient(server, pki.clientContext())) {
            assertEquals("counted", client.echo("counted"));
            Await.until("the answer's bytes counted", WAIT, () -> server.stats().bytesOut() > 0, () -> server.stats().toString());
            assertEquals(server.stats().bytesIn(), server.stats().bytesOut(), "an echo's answer is its request's bytes");
        }
    }

    /**
     * TLS records that carry no data (a TLS 1.3 KeyUpdate, which the JDK's client sends for each
     * {@code startHandshake()} after the first) are no frame: a client that sends nothing else is idle
     * at most the idle timeout after its deadline, and its connection ends within the drain's bound
     * though it goes on sending. Its bytes were waiting at every check, so it outlived its idle
     * timeout for as long as it sent them (an attacker's finding).
     */
    @Test
    void aClientSendingOnlyKeyUpdatesIsIdle() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        Duration idleTimeout = Duration.ofSeconds(1);
        Duration margin = Duration.ofMillis(1_500); // a sweep, and a busy machine
        try (EchoServer server = start(pki, b -> b, c -> c.idleTimeout(idleTimeout));
             SSLSocket flooder = TlsTestSockets.tlsSocket(server, pki.clientContext(), "TLSv1.3")) {
            assertEquals("x", WireClient.over(flooder, Framing.DELIMITED).echo("x"));
            long answered = System.nanoTime();
            Duration idleWithin = idleTimeout.multipliedBy(2).plus(margin);
            long idleMillis = floodUntil(flooder, answered, idleWithin, () -> server.stats().idleTimeouts() == 1);
            assertTrue(idleMillis < idleWithin.toMillis(), "expected the flooder idle within " + idleWithin.toMillis()
                    + " ms, not yet after " + idleMillis + " ms: " + server.stats());
            Duration endWithin = Duration.ofNanos(ConnectionPhase.DRAIN_MAX_NANOS).plusSeconds(1).plus(margin);
            long endMillis = floodUntil(flooder, System.nanoTime(), endWithin, () -> server.stats().connectionsActive() == 0);
            assertTrue(endMillis < endWithin.toMillis(), "expected the flooder's connection ended within "
                    + endWithin.toMillis() + " ms of its idle timeout, alive after " + endMillis + " ms: " + server.stats());
        }
    }

    /**
     * Sends KeyUpdates on {@code socket} until {@code done} or {@code within} from {@code fromNanos}, or the
     * server closes it; returns the milliseconds from {@code fromNanos}. No reads: the JDK's client cannot
     * read on one thread while another sends KeyUpdates (an internal_error), nor send them between reads.
     */
    private static long floodUntil(SSLSocket socket, long fromNanos, Duration within, BooleanSupplier done) {
        try {
            while (!done.getAsBoolean() && System.nanoTime() - fromNanos - within.toNanos() < 0) {
                socket.startHandshake();
            }
        } catch (IOException closedByTheServer) {
            Await.until("the server's count of the end", WAIT, done);
        }
        return (System.nanoTime() - fromNanos) / 1_000_000;
    }

    /**
     * Text after the handshake (an HTTP request line reads as a record header announcing 8,239 bytes)
     * is refused at its first five bytes with a fatal alert and counted as a bad record, not left to
     * wait for the rest until the idle timeout (the default, 5 minutes, here).
     */
    @Test
    void textAfterTheHandshakeIsRefusedAtOnceNotAtTheIdleTimeout() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b)) {
            Socket tcp = TlsTestSockets.connect(server);
            SSLSocket tls = (SSLSocket) pki.clientContext().getSocketFactory().createSocket(tcp, "localhost", server.port(), true);
            try (WireClient client = WireClient.over(tls, Framing.DELIMITED)) {
                tls.setSoTimeout((int) WAIT.toMillis());
                tls.startHandshake();
                assertEquals("before the text", client.echo("before the text"));
                tcp.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                try {
                    assertEquals(null, client.receiveOrNull(), "expected no answer to text that is not TLS");
                } catch (SocketTimeoutException stillOpen) {
                    throw new AssertionError("expected the connection refused at once, still open after " + WAIT, stillOpen);
                } catch (IOException refused) {
                    // the server's fatal alert (unexpected_message) or the close after it
                }
            }
            Await.until("a bad record counted and the connection closed", WAIT,
                    () -> server.tlsStats().orElseThrow().badRecords() == 1 && server.stats().connectionsActive() == 0);
        }
    }

    @Test
    void shutdownAnswersWhatWasReadAndEndsTlsConnectionsCleanly() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        EchoServer server = start(pki, b -> b);
        try (WireClient client = tlsClient(server, pki.clientContext())) {
            assertEquals("before", client.echo("before"));
            server.close();
            assertEquals(null, client.receiveOrNull(), "expected a clean end of stream at shutdown");
        } finally {
            server.close();
        }
    }

    @Test
    void rewrittenFilesAreReloadedForNewConnectionsAndABrokenChangeIsRefused() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b.reloadCheckInterval(Duration.ofMillis(50)))) {
            WireClient before = tlsClient(server, pki.clientContext());
            BigInteger first = servedSerial(before);
            assertEquals(pki.serverSerial(), first);

            BigInteger second = pki.reissueServer(dir.resolve("server.pem"), dir.resolve("server.key"));
            Await.until("the new certificate served", WAIT, () -> serialOfNewConnection(server, pki).equals(second));
            assertEquals("still here", before.echo("still here"), "expected a connection open before untouched");
            assertEquals(1, server.tlsStats().orElseThrow().reloads());

            // A key that does not match: refused, counted, and the last good certificate stays.
            Files.copy(pki.otherKey(), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            Await.until("the broken change refused", WAIT, () -> server.tlsStats().orElseThrow().reloadsRefused() == 1);
            assertEquals(second, serialOfNewConnection(server, pki), "expected the last good certificate kept");
            before.close();
        }
    }

    @Test
    void aKubernetesSecretSwapIsReloaded() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        Path mount = Files.createDirectory(dir.resolve("mount"));
        Path generation1 = Files.createDirectory(mount.resolve("..2026_12_05_10_00_00.1"));
        Files.copy(dir.resolve("server.pem"), generation1.resolve("tls.crt"));
        Files.copy(dir.resolve("server.key"), generation1.resolve("tls.key"));
        Files.createSymbolicLink(mount.resolve("..data"), generation1.getFileName());
        Files.createSymbolicLink(mount.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(mount.resolve("tls.key"), Path.of("..data/tls.key"));
        ServerTls tls = ServerTls.builder(mount.resolve("tls.crt"), mount.resolve("tls.key"))
                .clientCa(dir.resolve("ca.pem")).reloadCheckInterval(Duration.ofMillis(50)).build();
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start()) {
            assertEquals(pki.serverSerial(), serialOfNewConnection(server, pki));
            Path generation2 = Files.createDirectory(mount.resolve("..2026_12_05_11_00_00.2"));
            BigInteger next = pki.reissueServer(generation2.resolve("tls.crt"), generation2.resolve("tls.key"));
            Path link = mount.resolve("..data_tmp");
            Files.createSymbolicLink(link, generation2.getFileName());
            Files.move(link, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Await.until("the swapped certificate served", WAIT, () -> serialOfNewConnection(server, pki).equals(next));
        }
    }

    @Test
    void aBadFileFailsTheStartNamingIt() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ServerTls mismatched = ServerTls.builder(dir.resolve("server.pem"), pki.otherKey()).build();
        EchoServer server = EchoServer.create(ServerConfig.builder().port(0).tls(mismatched).build());
        TlsMaterialException e = assertThrows(TlsMaterialException.class, server::start);
        assertTrue(e.getMessage().contains(pki.otherKey().getFileName().toString()) && e.getMessage().contains("does not match"),
                e.getMessage());
        server.close();
    }

    // --- helpers ---------------------------------------------------------------------------------

    @Test
    void aHandshakeCutShortByTheServersStopIsCountedAsServerStoppedNotAsTheClientLeaving() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        EchoServer server = start(pki, b -> b.handshakeTimeout(Duration.ofSeconds(60)));
        try (Socket silent = TlsTestSockets.connect(server); Socket halfHello = TlsTestSockets.connect(server)) {
            halfHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // half a record header
            halfHello.getOutputStream().flush();
            Await.until("both handshakes begun", WAIT, () -> server.stats().connectionsActive() == 2);
            server.close();
            Await.until("both handshakes counted", WAIT,
                    () -> server.tlsStats().orElseThrow().handshakeFailureTotal() == 2);
            TlsStats tls = server.tlsStats().orElseThrow();
            assertEquals(2, tls.handshakeFailures(HandshakeFailure.SERVER_STOPPED), tls.toString());
            assertEquals(0, tls.handshakeFailures(HandshakeFailure.CLIENT_ABORTED), tls.toString());
        } finally {
            server.close();
        }
    }

    /**
     * Requests that arrive together are answered together: 64 request records in one TCP segment get
     * their answers in a record or two, as Netty's flush per read batch does, not one record (and one
     * write) each as before the read-ahead (64 here).
     */
    @Test
    void pipelinedRequestRecordsArrivingTogetherAreAnsweredInFewRecords() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        int pipelined = 64;
        try (EchoServer server = start(pki, b -> b)) {
            RecordCountingSocket tcp = new RecordCountingSocket();
            SSLSocket socket = TlsTestSockets.tlsSocket(TlsTestSockets.connected(tcp, server), server, pki.clientContext(), "TLSv1.3");
            try (WireClient client = WireClient.over(socket, Framing.DELIMITED)) {
                assertEquals("warm", client.echo("warm")); // the handshake's last records are read by now
                // The first batch overflows the answer buffer's first 128 bytes, which makes it grow.
                long[] answerRecords = new long[2];
                for (int batch = 0; batch < answerRecords.length; batch++) {
                    long before = tcp.applicationRecordsIn();
                    tcp.holdOutput();
                    for (int i = 0; i < pipelined; i++) {
                        client.send(dev.echo.core.Messages.echo("batch " + batch + " request " + i)); // a record each
                    }
                    assertEquals(pipelined, tcp.releaseOutput(), "expected a record per request, sent in one write");
                    for (int i = 0; i < pipelined; i++) {
                        assertEquals("batch " + batch + " request " + i, client.receive().getEchoMessage().getContent());
                    }
                    answerRecords[batch] = tcp.applicationRecordsIn() - before;
                }
                assertTrue(answerRecords[1] <= 2, "expected " + pipelined + " answers in at most 2 records once the"
                        + " buffer grew, got " + Arrays.toString(answerRecords) + " (first batch, second)");
            }
        }
    }

    /**
     * Requests and then text that is not TLS, in one write: every answer computed before it reaches
     * the client, then the fatal alert. They were lost: the answers waited in the writer's buffer for
     * the read that would wait, and the JDK, meeting the text first, sent its alert and closed TLS's
     * output under them (100 requests: 77 answers; 1 request: none). A record with a valid header
     * whose tag was changed (damaged or forged on the way) ends the connection with the alert too,
     * counted and told; the answers of its batch may go with it (RecordHeaderCheckingInputStream says
     * why), so only the alert, not a reset, is asserted for it.
     */
    @ParameterizedTest
    @CsvSource({"virtual, 1, text", "virtual, 100, text", "virtual, 100, bad-tag",
            "platform:2, 1, text", "platform:2, 100, text", "platform:2, 100, bad-tag"})
    void answersComputedBeforeTextReachTheClientBeforeTheAlert(String threads, int pipelined, String bad)
            throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b, c -> c.threadMode(ThreadMode.parse(threads)))) {
            RecordCountingSocket tcp = new RecordCountingSocket();
            SSLSocket socket = TlsTestSockets.tlsSocket(TlsTestSockets.connected(tcp, server), server, pki.clientContext(), "TLSv1.3");
            try (WireClient client = WireClient.over(socket, Framing.DELIMITED)) {
                assertEquals("warm", client.echo("warm")); // the handshake's last records are read by now
                tcp.holdOutput();
                for (int i = 0; i < pipelined; i++) {
                    client.send(dev.echo.core.Messages.echo("request " + i)); // a record each
                }
                if (bad.equals("bad-tag")) {
                    client.send(dev.echo.core.Messages.echo("never answered"));
                    tcp.releaseOutput(TlsServerTest::withLastRecordChanged);
                } else {
                    byte[] text = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                    tcp.releaseOutput(requests -> concat(requests, text));
                }
                int answers = 0;
                IOException end;
                try {
                    for (; answers < pipelined; answers++) {
                        assertEquals("request " + answers, client.receive().getEchoMessage().getContent());
                    }
                    end = assertThrows(IOException.class, client::receive, "expected the server's fatal alert");
                } catch (IOException lost) {
                    if (bad.equals("text")) {
                        throw new AssertionError(answers + " of " + pipelined + " answers arrived, then " + lost, lost);
                    }
                    end = lost;
                }
                assertTrue(end instanceof javax.net.ssl.SSLException, "expected the alert, not a reset: " + end);
            }
            Await.until("a bad record counted and the connection closed", WAIT,
                    () -> server.tlsStats().orElseThrow().badRecords() == 1 && server.stats().connectionsActive() == 0);
            if (bad.equals("text")) {
                assertEquals(pipelined + 1, server.stats().requestsAnswered(), "expected the warm-up and each request answered");
            }
        }
    }

    /** {@code records} with the last byte of its last record (the AEAD tag's) changed: it will not decrypt. */
    private static byte[] withLastRecordChanged(byte[] records) {
        int last = 0;
        for (int at = 0; at < records.length; at += 5 + (((records[at + 3] & 0xff) << 8) | (records[at + 4] & 0xff))) {
            last = at;
        }
        byte[] changed = records.clone();
        int end = last + 5 + (((records[last + 3] & 0xff) << 8) | (records[last + 4] & 0xff));
        assertEquals(records.length, end, "expected whole records");
        changed[end - 1] ^= 0x01;
        return changed;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /**
     * A record that is not application data after a request (here the client's TLS 1.3 KeyUpdate,
     * which {@code startHandshake()} on an open connection sends), arriving with it: the TLS layer
     * reads both and then waits for more, and the answer must have left before that wait.
     */
    @Test
    void aRequestFollowedByAKeyUpdateInTheSameSegmentIsAnsweredAtOnce() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = start(pki, b -> b)) {
            RecordCountingSocket tcp = new RecordCountingSocket();
            SSLSocket socket = TlsTestSockets.tlsSocket(TlsTestSockets.connected(tcp, server), server, pki.clientContext(), "TLSv1.3");
            try (WireClient client = WireClient.over(socket, Framing.DELIMITED)) {
                assertEquals("before", client.echo("before"));
                tcp.holdOutput();
                client.send(dev.echo.core.Messages.echo("with a key update"));
                socket.startHandshake(); // TLS 1.3: a KeyUpdate
                assertEquals(2, tcp.releaseOutput(), "expected the request's record and the KeyUpdate's, in one write");
                socket.setSoTimeout(5_000); // far below the idle timeout an unflushed answer would wait for
                assertEquals("with a key update", client.receive().getEchoMessage().getContent());
                assertEquals("after", client.echo("after"));
            }
        }
    }

    /**
     * A client's TCP socket that counts the TLS records coming in and can hold what goes out, so that
     * records written one by one leave in one write ({@link #releaseOutput}).
     */
    private static final class RecordCountingSocket extends Socket {
        private final java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        private volatile boolean holding;
        private int recordsHeld;
        private long applicationRecordsIn;
        private InputStream in;
        private java.io.OutputStream out;

        synchronized long applicationRecordsIn() {
            return applicationRecordsIn;
        }

        synchronized void holdOutput() {
            holding = true;
            recordsHeld = 0;
        }

        /** Sends what was held in one write; returns how many records it holds. */
        synchronized int releaseOutput() throws IOException {
            return releaseOutput(bytes -> bytes);
        }

        /** Sends what was held, changed by {@code change}, in one write; returns how many records it held. */
        synchronized int releaseOutput(UnaryOperator<byte[]> change) throws IOException {
            holding = false;
            super.getOutputStream().write(change.apply(held.toByteArray()));
            held.reset();
            return recordsHeld;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                InputStream tcp = super.getInputStream();
                in = new InputStream() {
                    private final byte[] header = new byte[5];
                    private int headerFilled;
                    private int bodyLeft;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = tcp.read(b, off, len);
                        for (int i = off; i < off + n; i++) {
                            if (bodyLeft > 0) {
                                bodyLeft--;
                            } else {
                                header[headerFilled++] = b[i];
                                if (headerFilled == header.length) {
                                    headerFilled = 0;
                                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                                    if (header[0] == 23) {
                                        counted();
                                    }
                                }
                            }
                        }
                        return n;
                    }
                };
            }
            return in;
        }

        private synchronized void counted() {
            applicationRecordsIn++;
        }

        @Override
        public synchronized java.io.OutputStream getOutputStream() throws IOException {
            if (out == null) {
                java.io.OutputStream tcp = super.getOutputStream();
                out = new java.io.OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        synchronized (RecordCountingSocket.this) {
                            if (holding) {
                                held.write(b, off, len);
                                recordsHeld++;
                                return;
                            }
                        }
                        tcp.write(b, off, len);
                    }
                };
            }
            return out;
        }
    }

    /** A server at its limit of one connection, the one slot held by a served TLS client; closes both. */
    private record FullServer(TestCertificates pki, EchoServer server, WireClient holder) implements AutoCloseable {
        static FullServer start(Path dir) throws Exception {
            TestCertificates pki = TestCertificates.create(dir);
            EchoServer server = TlsServerTest.start(pki, b -> b, c -> c.maxConnections(1));
            try {
                WireClient holder = tlsClient(server, pki.clientContext());
                assertEquals("holding", holder.echo("holding"), "expected the holder served");
                // Bytes are counted after the flush that sent them: the holder can read its answer first,
                // and a test's "bytes out before" missed these 12 (CI, once).
                Await.until("the holder's answer counted", WAIT, () -> server.stats().bytesOut() > 0,
                        () -> server.stats().toString());
                return new FullServer(pki, server, holder);
            } catch (Exception | Error e) {
                server.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                holder.close();
            } finally {
                server.close();
            }
        }
    }

    private static EchoServer start(TestCertificates pki, UnaryOperator<ServerTls.Builder> tls)
            throws IOException {
        return start(pki, tls, c -> c);
    }

    private static EchoServer start(TestCertificates pki, UnaryOperator<ServerTls.Builder> tls,
                                    UnaryOperator<ServerConfig.Builder> config) throws IOException {
        ServerTls settings = tls.apply(ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(pki.dir().resolve("ca.pem")).protocols(List.of("TLSv1.3"))).build();
        return EchoServer.create(config.apply(ServerConfig.builder().port(0).tls(settings)).build()).start();
    }

    private static WireClient tlsClient(EchoServer server, SSLContext context) throws IOException {
        return WireClient.over(TlsTestSockets.tlsSocket(server, context, "TLSv1.3"), Framing.DELIMITED);
    }

    private static void assertHandshakeFails(EchoServer server, SSLContext context) {
        assertHandshakeFails(server, context, "TLSv1.3");
    }

    /** Under TLS 1.3 a refused client certificate may only show at the first read. */
    private static void assertHandshakeFails(EchoServer server, SSLContext context, String protocol) {
        assertThrows(IOException.class, () -> {
            try (SSLSocket socket = TlsTestSockets.tlsSocket(server, context, protocol)) {
                WireClient client = WireClient.over(socket, Framing.DELIMITED);
                client.echo("should not be answered");
            }
        });
    }

    /** The first record a TLS client of {@code context} sends to {@code port}: its ClientHello. */
    private static byte[] clientHello(SSLContext context, int port) throws IOException {
        SSLEngine engine = context.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        assertEquals(0x16, hello[0], "expected a handshake record");
        return hello;
    }

    /** An echo request whose delimited frame starts with 0x16, as a TLS handshake record does. */
    private static ClientMessage echoWhoseFrameStartsWith0x16() {
        for (int length = 1; length < 64; length++) {
            ClientMessage request = dev.echo.core.Messages.echo("x".repeat(length));
            if (Framing.DELIMITED.encode(request)[0] == 0x16) {
                return request;
            }
        }
        throw new AssertionError("no echo request of up to 63 characters has a frame starting with 0x16");
    }

    private static BigInteger servedSerial(WireClient client) throws IOException {
        SSLSocket socket = (SSLSocket) client.socket();
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    private static BigInteger serialOfNewConnection(EchoServer server, TestCertificates pki) {
        try (WireClient client = tlsClient(server, pki.clientContext())) {
            return servedSerial(client);
        } catch (IOException e) {
            throw new AssertionError("a new TLS connection failed", e);
        }
    }
}
