package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against peers that misbehave: silent, gone, closing, sending garbage. */
@Timeout(30)
class EchoConnectionFailureTest {

    @Test
    void readTimeoutAgainstASilentPeerNamesEndpointAndTimeout() throws IOException {
        try (SilentPeer peer = new SilentPeer(socket -> {});
             EchoConnection client = EchoConnection.connect(peer.config().readTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> client.echo("anyone there?"),
                    "a peer that never answers must time out");
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("127.0.0.1:" + peer.port() + ": no answer within 300ms", e.getMessage(),
                    "timeout message names host:port and the timeout");
            assertTrue(waitedMillis >= 250 && waitedMillis < 10_000, "expected to wait about 300 ms, waited " + waitedMillis);
            assertFalse(client.isOpen(), "after a timeout the connection is closed: a late answer must not be "
                    + "taken for the next request's");
            IOException next = assertThrows(IOException.class, () -> client.echo("again"), "closed client refuses");
            assertTrue(next.getMessage().contains("127.0.0.1:" + peer.port()), "names the endpoint: " + next.getMessage());
        }
    }

    /** A server answering 200 nested groups: one line, without protobuf's advice to its developers. */
    @Test
    void anUnparsableAnswerIsOneLineWithoutProtobufsAdvice() throws IOException {
        byte[] nested = new byte[200];
        java.util.Arrays.fill(nested, (byte) (15 << 3 | 3)); // a group starting in unknown field 15, 200 deep
        try (SilentPeer peer = new SilentPeer(socket -> {
                    Framing.DELIMITED.newReader(socket.getInputStream()).nextFrame();
                    socket.getOutputStream().write(new byte[] {(byte) 0xc8, 0x01}); // the length, 200, as a varint
                    socket.getOutputStream().write(nested);
                    socket.getInputStream().readAllBytes();
                });
             EchoConnection client = EchoConnection.connect(peer.config().build())) {
            IOException e = assertThrows(IOException.class, () -> client.echo("hi"));
            assertEquals("127.0.0.1:" + peer.port() + ": answer is not a valid ServerMessage: Protocol message had too"
                    + " many levels of nesting", e.getMessage());
        }
    }

    @Test
    void connectionRefusedNamesEndpoint() throws IOException {
        // Bound, not listening, and held: refused, and no test beside this one can take the port.
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = bound.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> EchoConnection.connect("127.0.0.1", port),
                    "nothing listens on a bound, unlistened port");
            assertEquals("cannot connect to 127.0.0.1:" + port + ": connection refused", e.getMessage(),
                    "refused message");
        }
    }

    @Test
    void unknownHostNamesEndpoint() {
        IOException e = assertThrows(IOException.class,
                () -> EchoConnection.connect(ClientConfig.builder().host("no-such-host.invalid").build()),
                "an unresolvable host cannot be connected to");
        assertEquals("cannot connect to no-such-host.invalid:8080: unknown host", e.getMessage(), "unknown host message");
    }

    @Test
    void cleanCloseWhileWaitingIsConnectionClosedException() throws IOException {
        try (SilentPeer peer = new SilentPeer(socket -> {
                    Framing.DELIMITED.newReader(socket.getInputStream()).nextFrame(); // take the request, then leave
                    socket.close();
                });
             EchoConnection client = EchoConnection.connect(peer.config().build())) {
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> client.add(1, 2),
                    "EOF at a frame boundary while an answer is awaited");
            assertEquals("127.0.0.1:" + peer.port() + " closed the connection", e.getMessage(), "closed message");
            assertFalse(client.isOpen(), "closed after the peer left");
        }
    }

    @Test
    void garbageFromServerIsAnIOExceptionNamingEndpoint() throws IOException {
        byte[] badPrefix = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        try (SilentPeer peer = new SilentPeer(socket -> SilentPeer.write(socket, badPrefix));
             EchoConnection client = EchoConnection.connect(peer.config().build())) {
            IOException e = assertThrows(IOException.class, client::receive, "a malformed length prefix");
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + peer.port() + ": bad answer frame"),
                    "expected endpoint and 'bad answer frame', got: " + e.getMessage());
            assertFalse(client.isOpen(), "a broken stream closes the connection");
        }
    }

    @Test
    void answerOverTheClientsMaximumIsRejected() throws IOException {
        ServerMessage big = Messages.echoAnswer("x".repeat(1000));
        try (SilentPeer peer = new SilentPeer(socket -> SilentPeer.write(socket, Framing.DELIMITED.encode(big)));
             EchoConnection client = EchoConnection.connect(peer.config().maxFrameBytes(100).build())) {
            IOException e = assertThrows(IOException.class, client::receive, "a 1000-byte answer over a 100-byte max");
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + peer.port() + ": bad answer frame"),
                    "expected endpoint and 'bad answer frame', got: " + e.getMessage());
        }
    }

    @Test
    void answerOfTheWrongKindIsAnIOException() throws IOException {
        ServerMessage addAnswer = Messages.sum(3);
        try (SilentPeer peer = new SilentPeer(socket -> SilentPeer.write(socket, Framing.DELIMITED.encode(addAnswer)));
             EchoConnection client = EchoConnection.connect(peer.config().build())) {
            IOException e = assertThrows(IOException.class, () -> client.echo("hi"), "an add answer to an echo");
            assertTrue(e.getMessage().contains("expected an echo answer"), "says what was expected: " + e.getMessage());
        }
    }

    @Test
    void requestsGoOutInTheConfiguredFramingWithNoDelay() throws IOException {
        ClientMessage request = Messages.echo("raw");
        byte[] expected = Framing.RAW.encode(request);
        try (SilentPeer peer = new SilentPeer(socket -> {});
             EchoConnection client = EchoConnection.connect(peer.config().framing(Framing.RAW).build())) {
            client.send(request);
            client.flush();
            Socket accepted = peer.acceptedSocket();
            accepted.setSoTimeout(10_000);
            InputStream in = accepted.getInputStream();
            assertArrayEquals(expected, in.readNBytes(expected.length), "the raw frame, byte for byte");
            assertEquals(1, client.requestsSent(), "one request counted");
        }
    }

    @Test
    void closeFromAnotherThreadAbortsABlockedReceive() throws Exception {
        try (SilentPeer peer = new SilentPeer(socket -> {})) {
            EchoConnection client = EchoConnection.connect(peer.config().readTimeout(Duration.ZERO).build());
            Thread closer = Thread.ofVirtual().start(() -> {
                peer.acceptedSocket();
                client.close();
            });
            // Either the close lands before the call (closed client) or during it (socket closed).
            IOException e = assertThrows(IOException.class, () -> client.echo("blocked"), "close must unblock the read");
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + peer.port()), "names the endpoint: " + e.getMessage());
            closer.join(Duration.ofSeconds(10));
            assertFalse(client.isOpen(), "closed");
        }
    }
}
