package dev.echo.it.replica;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A replica of the original server: NOT a design to copy. One thread accepts a client and serves it
 * until that client leaves; a second client waits unanswered meanwhile. Any I/O error from a client
 * (a connection reset) propagates out of the loop and ends the whole server, as the original's
 * {@code handle_client(stream)?} did. The per-client defects are {@link ReplicaClientLoop}'s.
 */
public final class OriginalReplica extends Replica {
    private final AtomicReference<Socket> current = new AtomicReference<>();
    private final AtomicReference<Exception> fatalError = new AtomicReference<>();
    private final Thread thread;

    private OriginalReplica(ServerSocket listener, String host) {
        super(listener, host);
        // The original ran on the caller's thread; one thread of our own stands in for it.
        this.thread = Thread.ofPlatform().name("replica-original-" + listener.getLocalPort()).unstarted(this::run);
    }

    static OriginalReplica start(String host, int port) throws IOException {
        ServerSocket listener = bind(host, port);
        OriginalReplica replica = new OriginalReplica(listener, host);
        replica.thread.start();
        return replica;
    }

    private void run() {
        try {
            while (true) {
                try (Socket client = listener.accept()) {
                    current.set(client);
                    ReplicaClientLoop.serve(client);
                } finally {
                    current.set(null);
                }
            }
        } catch (IOException e) {
            if (!listener.isClosed()) {
                fatalError.set(e); // the defect: one client's reset ends the server
            }
        } finally {
            closeQuietly(listener);
        }
    }

    /** Waits up to {@code millis} for the server's thread to end (it ends only on an error or close()). */
    public boolean awaitEnd(long millis) throws InterruptedException {
        return thread.join(java.time.Duration.ofMillis(millis));
    }

    @Override
    public Design design() {
        return Design.ORIGINAL;
    }

    @Override
    public Optional<Exception> fatalError() {
        return Optional.ofNullable(fatalError.get());
    }

    @Override
    public void close() {
        closeAll(thread, Optional.ofNullable(current.get()).stream().toList());
    }
}
