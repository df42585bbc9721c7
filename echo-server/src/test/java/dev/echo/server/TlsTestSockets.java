package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
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
}
