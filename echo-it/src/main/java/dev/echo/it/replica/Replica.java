package dev.echo.it.replica;

import dev.echo.core.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * A running replica of one of the original Rust server's designs: an example of what not to do,
 * kept so that the probe and the integration suite can show its defects happening. Raw framing only.
 * This class holds what both designs share apart from their defects: the bound listener, and the
 * test harness's cleanup.
 */
public abstract sealed class Replica implements AutoCloseable permits OriginalReplica, SolutionReplica {
    /** Bound, not yet accepting: each design accepts in its own way. */
    final ServerSocket listener;
    private final String host;

    Replica(ServerSocket listener, String host) {
        this.listener = listener;
        this.host = host;
    }

    /**
     * A listener bound to {@code host:port}.
     *
     * @throws IOException naming the address if it cannot be bound (a fixed port another replica holds)
     */
    static ServerSocket bind(String host, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + HostPort.of(host, port) + ": " + e.getMessage(), e);
        }
        return listener;
    }

    /** Which design runs. */
    public abstract Design design();

    /** The address it listens on, as given. */
    public final String host() {
        return host;
    }

    /** The bound port. */
    public final int port() {
        return listener.getLocalPort();
    }

    /** True while the listening socket is open. */
    public final boolean isListening() {
        return !listener.isClosed();
    }

    /** The client I/O error that ended the whole server (the original's defect), if one did. */
    public abstract Optional<Exception> fatalError();

    /**
     * The test harness's cleanup, not part of either design: closes the listening socket and every
     * client socket so that nothing outlives the test, whatever state the design left behind.
     */
    @Override
    public abstract void close();

    /** Closes the listener and {@code clients}, then waits a while for {@code thread} to end. */
    final void closeAll(Thread thread, Iterable<Socket> clients) {
        closeQuietly(listener);
        for (Socket client : clients) {
            closeQuietly(client);
        }
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // cleanup of a test fixture: the socket is gone either way
        }
    }
}
