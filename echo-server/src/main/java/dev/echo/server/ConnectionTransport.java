package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection's socket as everything above it uses it, plain or TLS ({@link Transport}
 * chooses): opening it (the TLS handshake), its streams, and how it ends without destroying answers
 * on their way. Our side is shut (FIN, after TLS's close_notify) after the last whole answer, then
 * input is read and dropped until the peer closes or the drain's deadline ends the read, and only
 * then is the socket closed: closing with unread input would make the kernel send a reset, which
 * destroys answers still on their way to the peer.
 *
 * <p>Which thread calls what: the connection's own thread everything; the idle sweeper and the
 * shutdown {@link #shutOutput()} (only while the connection's thread is blocked in a read, every
 * answer flushed), {@link #inputWaiting()}, {@link #endBlockedRead()} and {@link #close()}.
 * {@link #close()} closes the TCP socket itself, so it never waits for a lock a blocked read or
 * write holds.
 */
abstract sealed class ConnectionTransport permits PlainConnection, TlsConnection {
    private static final Logger log = LoggerFactory.getLogger(ConnectionTransport.class);
    private static final int DRAIN_CHUNK = 4096;

    /** The TCP socket. */
    final Socket socket;
    final long id;

    ConnectionTransport(Socket socket, long id) {
        this.socket = socket;
        this.id = id;
    }

    /** The peer's address, for logs; still known once the socket is closed. */
    final SocketAddress peer() {
        return socket.getRemoteSocketAddress();
    }

    /**
     * Makes the connection ready for frames: nothing for plain TCP, the handshake for TLS, which the
     * {@code phase} times like a read ({@link ConnectionPhase#beginHandshake}).
     *
     * @throws HandshakeException if the handshake failed or timed out, with the reason
     */
    abstract void open(ConnectionPhase phase) throws IOException;

    /** The application bytes from the peer; after {@link #open}. */
    abstract InputStream input() throws IOException;

    /** The application bytes to the peer; after {@link #open}. */
    abstract OutputStream output() throws IOException;

    /**
     * Has {@code flush} run, on the connection's thread, whenever a read of {@link #input()} is about
     * to wait for the network, and returns true; returns false if this transport cannot tell, and then
     * the caller flushes before every read that may wait. After {@link #open}.
     */
    boolean flushBeforeWaiting(IoAction flush) {
        return false;
    }

    /** The peer's bytes broke the transport's own protocol after {@link #open} (TLS: a record that is not valid). */
    void invalidRecord() {
        // plain TCP has no protocol of its own to break
    }

    /** Sends our end of the conversation (close_notify for TLS, then FIN), unless sent already or closed. */
    abstract void shutOutput();

    /** True if closing input now could lose bytes, or the input is gone already. */
    abstract boolean inputWaiting() throws IOException;

    /**
     * For a connection about to be closed because it was taken from a platform pool's queue past its
     * first deadline with nothing sent: true if its client has gone (closed or reset) rather than
     * stayed silent, so that it is not counted as a timeout. Waits a millisecond at most; may read a
     * byte, which is fine only because the connection is closed whatever this says.
     */
    final boolean peerLeftWhileQueued() {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false; // silent
        } catch (IOException e) {
            return true; // a reset
        }
    }

    /** Ends a blocked read of {@link #input()} or {@link #drainInput()}; call only with nothing unread ({@link #inputWaiting()}). */
    final void endBlockedRead() throws IOException {
        socket.shutdownInput();
    }

    /** What the drain reads: the input itself for plain TCP, the TCP stream under TLS (its records are only dropped). */
    abstract InputStream drainInput() throws IOException;

    /**
     * Reads and drops {@code in} until the peer closes, {@code endNanos} passes (the idle sweeper
     * ends a read that is blocked past the drain's deadline) or {@code maxBytes} are dropped; returns
     * how many bytes were dropped.
     */
    final long drain(InputStream in, long endNanos, long maxBytes) throws IOException {
        long dropped = dropInput(in, endNanos, maxBytes);
        if (dropped >= maxBytes) {
            log.debug("connection {}: dropped {} bytes after closing our side, the most it may send: closing", id, dropped);
        } else {
            log.trace("connection {}: dropped {} bytes after closing our side", id, dropped);
        }
        return dropped;
    }

    /**
     * Reads and drops {@code in} until it ends, {@code endNanos} passes or {@code maxBytes} are
     * dropped; returns how many were. Reads must time out of their own (a read deadline, a
     * sweeper, a socket timeout): the time check here only stops a peer that never stops sending.
     */
    static long dropInput(InputStream in, long endNanos, long maxBytes) throws IOException {
        byte[] sink = new byte[DRAIN_CHUNK];
        long dropped = 0;
        int n;
        while (dropped < maxBytes && System.nanoTime() - endNanos < 0
                && (n = in.read(sink, 0, (int) Math.min(sink.length, maxBytes - dropped))) >= 0) {
            dropped += n;
        }
        return dropped;
    }

    /** Closes the TCP socket at once, wherever the connection is; gives back what the transport holds. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close failed: {}", id, e.toString());
        }
    }

    /** Shuts the TCP socket's output unless it is closed or shut already. */
    final void shutSocketOutput() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            log.debug("connection {}: shutting down output failed: {}", id, e.toString());
        }
    }
}
