package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.HostPort;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the one accept thread: accepts, turns away what is over the connection limit with
 * SERVER_BUSY, and hands every other socket to its own thread. Nothing a single client does ends
 * this loop; only closing the listening socket does.
 */
final class AcceptLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(AcceptLoop.class);
    /** Pause after a failed accept (e.g. too many open files), so the loop does not spin. */
    private static final long ACCEPT_FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ServerSocket listener;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final ConnectionRegistry registry;
    private final Executor threads;
    private final BufferBudget budget;
    private final AcceptFailureLog failures;
    private final byte[] serverBusy;

    AcceptLoop(ServerSocket listener, ServerConfig config, ServerCounters counters, ConnectionRegistry registry,
               Executor threads, BufferBudget budget) {
        this.listener = listener;
        this.config = config;
        this.counters = counters;
        this.registry = registry;
        this.threads = threads;
        this.budget = budget;
        this.failures = new AcceptFailureLog(HostPort.of(listener.getLocalSocketAddress()),
                log::warn, AcceptFailureLog.INTERVAL);
        this.serverBusy = config.framing().encode(Messages.error(ErrorResponse.Code.SERVER_BUSY,
                "server is at its limit of " + config.maxConnections() + " connections"));
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
            failures.succeeded(System.nanoTime());
            try {
                hand(socket);
            } catch (RuntimeException e) {
                log.warn("could not start serving a connection from {}", socket.getRemoteSocketAddress(), e);
                closeQuietly(socket);
            }
        }
        log.debug("accept loop on port {} ended", listener.getLocalPort());
    }

    private void hand(Socket socket) {
        if (registry.size() >= config.maxConnections()) {
            reject(socket);
            return;
        }
        ConnectionHandler connection = new ConnectionHandler(socket, config, counters, registry, budget);
        if (!registry.add(connection)) {
            closeQuietly(socket); // shutting down
            return;
        }
        counters.connectionsAccepted.increment();
        log.debug("connection {}: accepted from {}", connection.id, socket.getRemoteSocketAddress());
        try {
            threads.execute(connection);
        } catch (RuntimeException e) {
            registry.remove(connection);
            throw e;
        }
    }

    /** One small write to a fresh socket fits its send buffer, so this never blocks the loop. */
    private void reject(Socket socket) {
        counters.rejected(socket.getRemoteSocketAddress(), config.maxConnections());
        counters.error(ErrorResponse.Code.SERVER_BUSY);
        try {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(serverBusy);
            out.flush();
            counters.bytesOut.add(serverBusy.length);
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("rejected client went away first: {}", e.toString());
        } finally {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing a socket failed: {}", e.toString());
        }
    }
}
