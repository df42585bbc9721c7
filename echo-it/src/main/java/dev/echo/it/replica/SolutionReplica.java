package dev.echo.it.replica;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica of the candidate's rework: NOT a design to copy. The listener sits behind a mutex in its
 * own accept thread, each client gets an OS thread, and a shared {@code is_running} flag is checked
 * between accepts, so {@link #stop()} cannot unblock an {@code accept()} that is already waiting:
 * the accept thread stays blocked and the port stays bound until some client connects. A client loop
 * ends cleanly on a reset. The per-client defects are {@link ReplicaClientLoop}'s.
 */
public final class SolutionReplica extends Replica {
    private final Object listenerMutex = new Object(); // the original's Arc<Mutex<TcpListener>>
    private volatile boolean running = true; // the original's Arc<AtomicBool> is_running
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientIds = new AtomicInteger();
    private final Thread acceptThread;

    private SolutionReplica(ServerSocket listener, String host) {
        super(listener, host);
        this.acceptThread = Thread.ofPlatform().name("replica-solution-accept-" + listener.getLocalPort())
                .unstarted(this::acceptLoop);
    }

    /**
     * Binds and starts the accept thread.
     *
     * @throws IOException if {@code host:port} cannot be bound (a fixed port another replica holds)
     */
    public static SolutionReplica start(String host, int port) throws IOException {
        ServerSocket listener = bind(host, port);
        SolutionReplica replica = new SolutionReplica(listener, host);
        replica.acceptThread.start();
        return replica;
    }

    private void acceptLoop() {
        try (listener) {
            while (running) {
                Socket client;
                try {
                    synchronized (listenerMutex) {
                        client = listener.accept();
                    }
                } catch (IOException e) {
                    if (listener.isClosed()) {
                        return;
                    }
                    continue; // the original logs an accept error and goes on
                }
                clients.add(client);
                Thread.ofPlatform().name("replica-solution-client-" + clientIds.incrementAndGet())
                        .start(() -> serve(client));
            }
        } catch (IOException e) {
            // closing the listener failed: nothing more to do
        }
    }

    private void serve(Socket client) {
        try (client) {
            ReplicaClientLoop.serve(client);
        } catch (IOException e) {
            // a reset ends this client's loop cleanly
        } finally {
            clients.remove(client);
        }
    }

    /**
     * The design's stop: clears {@code is_running} and returns. An accept() already waiting is not
     * woken, so the accept thread and the bound port outlive it (see {@link #acceptThreadAlive()}).
     */
    public void stop() {
        running = false;
    }

    /** True while the accept thread runs, e.g. blocked in accept() after {@link #stop()}. */
    public boolean acceptThreadAlive() {
        return acceptThread.isAlive();
    }

    @Override
    public Design design() {
        return Design.SOLUTION;
    }

    /** Always empty: this design survives a client's I/O error. */
    @Override
    public Optional<Exception> fatalError() {
        return Optional.empty();
    }

    @Override
    public void close() {
        running = false;
        closeAll(acceptThread, clients);
    }
}
