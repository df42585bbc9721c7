package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Client sockets for the TLS tests against an in-process server: TCP, and the JDK's TLS over it. */
final class TlsTestSockets {
    /** How long a connect or a read waits. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private TlsTestSockets() {}

    static Socket connect(EchoServer server) throws IOException {
        return connected(new Socket(), server);
    }

    /** A new connection to {@code port} on 127.0.0.1, its reads waiting at most {@link #WAIT}. */
    static Socket connect(int port) throws IOException {
        return connected(new Socket(), port);
    }

    /** {@code socket} connected to {@code server}, its reads waiting at most {@link #WAIT}. */
    static Socket connected(Socket socket, EchoServer server) throws IOException {
        return connected(socket, server.port());
    }

    private static Socket connected(Socket socket, int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** A new connection to {@code server} in TLS {@code protocol}, its handshake done. */
    static SSLSocket tlsSocket(EchoServer server, SSLContext context, String protocol) throws IOException {
        return tlsSocket(connect(server), server, context, protocol);
    }

    /** TLS over {@code tcp}, connected to {@code server} already, its handshake done (the name localhost verified). */
    static SSLSocket tlsSocket(Socket tcp, EchoServer server, SSLContext context, String protocol) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, "localhost", server.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.startHandshake();
        return socket;
    }

    /** Reads what the server sends until it closes the connection; fails if it waits {@link #WAIT} instead. */
    static void assertClosedByTheServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // the server's flight or an alert, then the end of stream
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("expected the server to close the connection, it waited " + WAIT, e);
        } catch (IOException e) {
            // a reset also means closed
        }
    }

    /** The first record a JDK client of {@code context} would send, its ClientHello, with {@code asking} applied to its parameters. */
    static byte[] clientHello(SSLContext context, Consumer<SSLParameters> asking) throws IOException {
        SSLEngine engine = context.createSSLEngine("localhost", 0);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        asking.accept(parameters);
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** Waits until {@code reason} is counted once, then checks that it is the only handshake failure counted. */
    static void awaitOnlyFailure(EchoServer server, HandshakeFailure reason) {
        Await.until(reason.label() + " counted", WAIT,
                () -> server.tlsStats().orElseThrow().handshakeFailures(reason) == 1,
                () -> server.tlsStats().orElseThrow().handshakeFailures().toString());
        assertEquals(1, server.tlsStats().orElseThrow().handshakeFailureTotal(),
                "expected the refusal counted once, under " + reason.label() + " only: "
                        + server.tlsStats().orElseThrow().handshakeFailures());
    }
}
