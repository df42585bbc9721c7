package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a connection's socket is ended without destroying answers on their way: our side is shut
 * (FIN) after the last whole answer, then input is read and dropped until the peer closes or the
 * drain's deadline ends the read, and only then is the socket closed. Closing with unread input
 * would make the kernel send a reset, which destroys answers still on their way to the peer.
 */
final class GracefulClose {
    private static final Logger log = LoggerFactory.getLogger(GracefulClose.class);

    private final Socket socket;
    private final long id;

    GracefulClose(Socket socket, long id) {
        this.socket = socket;
        this.id = id;
    }

    /** The peer's address, for logs; still known once the socket is closed. */
    SocketAddress peer() {
        return socket.getRemoteSocketAddress();
    }

    /** Sends our FIN, unless the socket is closed or our side is shut already. */
    void shutOutput() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            log.debug("connection {}: shutting down output failed: {}", id, e.toString());
        }
    }

    /** True if closing input now could lose bytes, or the input is gone already. */
    boolean inputWaiting() throws IOException {
        return socket.isClosed() || socket.isInputShutdown() || socket.getInputStream().available() > 0;
    }

    /** Ends a blocked read of the socket's input; call only with nothing unread ({@link #inputWaiting()}). */
    void shutInput() throws IOException {
        socket.shutdownInput();
    }

    /**
     * Reads and drops {@code in} until the peer closes or {@code endNanos} passes (the idle sweeper
     * ends a read that is blocked past the drain's deadline) and adds what was dropped to {@code
     * counters}.
     */
    void drain(InputStream in, long endNanos, ServerCounters counters) throws IOException {
        byte[] sink = new byte[4096];
        long dropped = 0;
        try {
            int n;
            // The time check stops a peer that keeps the input busy for ever; its read deadline cannot.
            while (System.nanoTime() - endNanos < 0 && (n = in.read(sink, 0, sink.length)) >= 0) {
                dropped += n;
            }
        } finally {
            counters.bytesIn.add(dropped);
            log.trace("connection {}: dropped {} bytes after closing our side", id, dropped);
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close failed: {}", id, e.toString());
        }
    }
}
