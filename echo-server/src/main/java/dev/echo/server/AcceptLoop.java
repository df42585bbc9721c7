package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.HostPort;
import dev.echo.core.Refusal;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the one accept thread: accepts, turns away what is over the connection limit with
 * SERVER_BUSY (through the {@link Transport}, which never lets the client block this thread), and
 * hands every other socket, with its transport, to its own thread. It does no I/O on an accepted
 * socket itself: a TLS handshake runs on the connection's thread. Nothing a single client does ends
 * this loop; only closing the listening socket does.
 */
final class AcceptLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(AcceptLoop.class);
    /** Pause after a failed accept (e.g. too many open files), so the loop does not spin. */
    private static final long ACCEPT_FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ServerSocket listener;
    private final ServerConfig config;
    private final Transport transport;
    private final ServerCounters counters;
    private final ConnectionRegistry registry;
    private final Executor threads;
    private final BufferBudget budget;
    private final AcceptFailureLog failures;
    private final byte[] serverBusy;
    private static final String OUT_OF_TLS_BUFFERS = "another TLS connection";
    private final byte[] outOfTlsBuffers;

    AcceptLoop(ServerSocket listener, ServerConfig config, Transport transport, ServerCounters counters,
               ConnectionRegistry registry, Executor threads, BufferBudget budget) {
        this.listener = listener;
        this.config = config;
        this.transport = transport;
        this.counters = counters;
        this.registry = registry;
        this.threads = threads;
        this.budget = budget;
        this.failures = new AcceptFailureLog(HostPort.of(listener.getLocalSocketAddress()),
                log::warn, AcceptFailureLog.INTERVAL);
        this.serverBusy = config.framing().encode(Refusal.atConnectionLimit(config.maxConnections()));
        this.outOfTlsBuffers = config.framing().encode(Refusal.outOfBuffers(OUT_OF_TLS_BUFFERS));
    }

    @Override
    public void run() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    break;
                }
                failures.failed(e, System.nanoTime());
                LockSupport.parkNanos(ACCEPT_FAILURE_PAUSE_NANOS);
                continue;
            }
            long acceptedNanos = System.nanoTime();
            failures.succeeded(acceptedNanos);
            try {
                hand(socket, acceptedNanos);
            } catch (RuntimeException e) {
                log.warn("could not start serving a connection from {}", socket.getRemoteSocketAddress(), e);
                closeQuietly(socket);
            }
        }
        log.debug("accept loop on port {} ended", listener.getLocalPort());
    }

    private void hand(Socket socket, long acceptedNanos) {
        if (registry.size() >= config.maxConnections()) {
            reject(socket);
            return;
        }
        long id = ConnectionHandler.nextId();
        ConnectionTransport connectionTransport = transport.open(socket, id);
        if (connectionTransport == null) {
            counters.refusedForBuffers(socket.getRemoteSocketAddress(), OUT_OF_TLS_BUFFERS);
            transport.refuse(socket, outOfTlsBuffers, () -> counters.refusalSent(Refusal.OUT_OF_BUFFERS, outOfTlsBuffers.length));
            return;
        }
        ConnectionHandler connection = new ConnectionHandler(id, connectionTransport, config, counters, registry, budget,
                acceptedNanos);
        if (!registry.add(connection)) {
            connectionTransport.close(); // shutting down
            return;
        }
        counters.accepted();
        log.debug("connection {}: accepted from {}", connection.id, socket.getRemoteSocketAddress());
        try {
            threads.execute(connection);
        } catch (RuntimeException e) {
            registry.remove(connection);
            connectionTransport.close();
            throw e;
        }
    }

    private void reject(Socket socket) { // at the connection limit
        counters.rejected(socket.getRemoteSocketAddress(), config.maxConnections());
        transport.refuse(socket, serverBusy, () -> counters.refusalSent(Refusal.CONNECTION_LIMIT, serverBusy.length));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing a socket failed: {}", e.toString());
        }
    }
}
