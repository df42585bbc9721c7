package dev.echo.server;

import dev.echo.core.HostPort;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;

/**
 * Binds the server's listening sockets (the protocol's and the metrics endpoint's), and says in one
 * line why one could not be bound: {@code cannot listen on 127.0.0.1:8080: address already in use}.
 */
final class Binding {
    private Binding() {}

    /** The protocol's listening socket, bound to {@code host:port} with {@code backlog}. */
    static ServerSocket serverSocket(String host, int port, int backlog) throws BindException {
        InetSocketAddress address = resolve("listen on", host, port);
        try {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(address, backlog);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        } catch (IOException e) {
            throw failure("listen on", host, port, e);
        }
    }

    /**
     * {@code host:port} resolved.
     *
     * @param action what the socket is for, as in "cannot {@code action} HOST:PORT"
     * @throws BindException naming the host when it does not resolve
     */
    static InetSocketAddress resolve(String action, String host, int port) throws BindException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new BindException("cannot " + action + " " + HostPort.of(host, port) + ": unknown host " + host);
        }
        return address;
    }

    /** "cannot {@code action} HOST:PORT: reason", with {@code cause} kept. */
    static BindException failure(String action, String host, int port, IOException cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        BindException failure = new BindException("cannot " + action + " " + HostPort.of(host, port) + ": "
                + reason.toLowerCase(Locale.ROOT));
        failure.initCause(cause);
        return failure;
    }
}
