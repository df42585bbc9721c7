package dev.echo.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    /** {@code socket} connected to {@code server}, its reads waiting at most {@link #WAIT}. */
    static Socket connected(Socket socket, EchoServer server) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) WAIT.toMillis());
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
}
