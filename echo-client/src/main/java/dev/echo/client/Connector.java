package dev.echo.client;

import dev.echo.core.tls.ClientTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The one place an {@link EchoClient} and an {@link EchoConnection} open a socket, through {@link
 * ClientConfig#tls()} (plain or TLS, handshake done): TCP_NODELAY (requests are small and
 * latency-bound) and SO_KEEPALIVE (a peer that vanished without a reset is found out eventually even
 * when idle; a busy one is found by its requests' deadlines first).
 */
final class Connector {
    private Connector() {}

    /**
     * A connected socket to {@code address}, {@code host} being the name it was resolved from.
     *
     * @throws IOException if it cannot connect within the connect timeout
     */
    static ClientTls.Connected open(InetSocketAddress address, String host, ClientConfig config) throws IOException {
        // With TLS, the handshake is done (under its own timeout) before the socket is returned.
        ClientTls.Connected connected = config.tls().open(address, host, config.connectTimeout(),
                config.handshakeTimeout());
        Socket socket = connected.socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            return connected;
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
