package dev.echo.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1, port 0, in front of a server that can be switched: counts the
 * connections it accepts (each a client's connection attempt, a TLS handshake under TLS) and passes
 * bytes both ways to the current target. Switching the target and dropping the connections makes
 * "the server at this address" refuse, or accept, a client that keeps its address.
 */
final class CountingForwarder implements AutoCloseable {
    private final ServerSocket serverSocket;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;

    CountingForwarder(int targetPort) throws IOException {
        this.targetPort = targetPort;
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("forwarder-accept").start(this::acceptLoop);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** New connections go to {@code port} from now on. */
    void target(int port) {
        targetPort = port;
    }

    /** Closes every connection passed on so far (the client sees its connection end). */
    void dropAll() {
        // A copy first: the client reconnects as soon as the first close reaches it, and that new
        // connection must not be dropped too.
        for (Socket socket : List.copyOf(open)) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            open.add(client);
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(server);
                AtomicInteger directions = new AtomicInteger(2);
                Thread.ofVirtual().name("forwarder-up").start(() -> pipe(client, server, directions));
                Thread.ofVirtual().name("forwarder-down").start(() -> pipe(server, client, directions));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /**
     * Passes {@code from}'s bytes to {@code to}, then half-closes {@code to}; the pair is closed once
     * both directions ended. Bytes {@code to} no longer takes are read and dropped: closing with them
     * unread resets the connection, and a client writing its TLS 1.2 handshake then failed with "broken
     * pipe" before reading the server's alert, which a server it reaches directly never made it do.
     */
    private void pipe(Socket from, Socket to, AtomicInteger directions) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            boolean writable = true;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (writable) {
                    try {
                        out.write(buffer, 0, n);
                    } catch (IOException e) {
                        writable = false; // dropped from now on
                    }
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // either side is gone: the pair closes below
        } finally {
            if (directions.decrementAndGet() == 0 || from.isClosed() || to.isClosed()) {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        dropAll();
    }
}
