package dev.echo.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 listener with two paths: {@code GET /metrics}, the Prometheus text format, and
 * {@code GET /healthz}, 200 {@code ok} while the server accepts and 503 {@code shutting down} once it
 * stops. Anything else is 404, a method other than GET and HEAD 405. One request per connection
 * ({@code Connection: close}).
 *
 * <p>No client can hold it, since health is what a load balancer acts on: one platform thread
 * ({@code echo-metrics-PORT}) accepts, and each connection runs on its own virtual thread
 * ({@link MetricsConnection}) under {@link Limits}: the whole exchange within a deadline, not
 * counting the time the server takes to make the answer (a read waits only until then, a write is cut
 * by the accept thread's sweep at most twice {@link #SWEEP_PERIOD} later), a bound on the request's line and headers (431), and a bound on connections, at which the
 * oldest is closed for the newcomer (the oldest is the one most likely to be held on purpose: a
 * real request is answered within milliseconds of its connection, so one whose request waits unread
 * is spared: see {@link #victim}). Each refusal is counted in
 * {@link MetricsRefusals}.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String ACTION = "serve metrics on";
    /** How often the accept thread closes connections past their deadline (it wakes for it if idle). */
    static final Duration SWEEP_PERIOD = Duration.ofMillis(100);
    /** How long {@link #close()} waits for the accept thread, and then for the connections' threads. */
    private static final Duration THREAD_EXIT_WAIT = Duration.ofSeconds(2);
    /** The most {@link #close()} waits: for the accept thread, then for the connections' threads. */
    static final Duration MAX_CLOSE_WAIT = THREAD_EXIT_WAIT.multipliedBy(2);
    /** How long the accept thread waits after a failed accept, rather than failing again at once. */
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(10);
    /**
     * How long a connection that has sent nothing is spared at the bound: a prober's request is written
     * within milliseconds of its connect, but on a busy machine its write may wait that long for a core.
     */
    static final Duration NEWCOMER_GRACE = Duration.ofMillis(500);
    /** Room for a burst of connections while the accept thread sweeps. */
    private static final int BACKLOG = 1024;

    /**
     * What one client may take of the endpoint.
     *
     * @param requestDeadline from accept to the answer written, less the time the server took to make
     *     the answer; positive
     * @param maxHeadBytes the request line and headers; at least 64
     * @param maxConnections open at once; positive
     */
    record Limits(Duration requestDeadline, int maxHeadBytes, int maxConnections) {
        /** 5 s for an exchange, 8 KiB of request head, 256 connections. */
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), 8 * 1024, 256);

        Limits {
            if (requestDeadline.isNegative() || requestDeadline.isZero()) {
                throw new IllegalArgumentException("requestDeadline must be positive: " + requestDeadline);
            }
            if (maxHeadBytes < 64) {
                throw new IllegalArgumentException("maxHeadBytes must be at least 64: " + maxHeadBytes);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
            }
        }
    }

    private final ServerSocket listener;
    private final Supplier<String> scrape;
    private final BooleanSupplier healthy;
    private final Limits limits;
    private final MetricsRefusals refusals;
    private final Thread acceptThread;
    /** Admitted and not closed, oldest first; under its own lock. */
    private final LinkedHashSet<MetricsConnection> open = new LinkedHashSet<>();
    /**
     * Every connection thread, less those the sweep found ended: a thread that removed itself could
     * still be unwinding when {@link #close()} looks, and close() promises they have ended.
     */
    private final Set<Thread> connectionThreads = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private MetricsEndpoint(ServerSocket listener, Supplier<String> scrape, BooleanSupplier healthy, Limits limits,
                            MetricsRefusals refusals) {
        this.listener = listener;
        this.scrape = scrape;
        this.healthy = healthy;
        this.limits = limits;
        this.refusals = refusals;
        this.acceptThread = Thread.ofPlatform().daemon(true).name("echo-metrics-" + listener.getLocalPort())
                .unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code host:port} (port 0 = any free one) and starts serving under {@code limits},
     * counting refusals in {@code refusals}.
     *
     * @throws BindException naming the address when it cannot be bound
     */
    static MetricsEndpoint start(String host, int port, Supplier<String> scrape, BooleanSupplier healthy, Limits limits,
                                 MetricsRefusals refusals) throws IOException {
        InetSocketAddress address = Binding.resolve(ACTION, host, port);
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address, BACKLOG);
            listener.setSoTimeout((int) SWEEP_PERIOD.toMillis());
        } catch (IOException e) {
            listener.close();
            throw Binding.failure(ACTION, host, port, e);
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(listener, scrape, healthy, limits, refusals);
        endpoint.acceptThread.start();
        return endpoint;
    }

    /** The bound address: the real port when 0 was asked for. */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The thread that accepts and sweeps; alive until {@link #close()}. */
    Thread acceptThread() {
        return acceptThread;
    }

    /** Connections admitted and not yet closed. */
    int openConnections() {
        synchronized (open) {
            return open.size();
        }
    }

    private void acceptLoop() {
        long lastSweep = System.nanoTime();
        while (!closing) {
            try {
                admit(listener.accept());
            } catch (SocketTimeoutException e) {
                // Nobody came for a sweep period: time to sweep.
            } catch (IOException | RuntimeException e) {
                if (closing) {
                    break;
                }
                // Out of file descriptors, most likely: the next accept may work once some close.
                log.debug("accepting a metrics connection failed: {}", e.toString());
                LockSupport.parkNanos(ACCEPT_RETRY.toNanos());
            }
            if (System.nanoTime() - lastSweep >= SWEEP_PERIOD.toNanos()) {
                sweep();
                lastSweep = System.nanoTime();
            }
        }
    }

    /**
     * Runs {@code socket}'s exchange on a virtual thread, which first closes the connection evicted for
     * it at the bound: the oldest still reading its request (one being answered is working, not held),
     * else the oldest. The accept thread only picks it, so that a burst of connections is accepted fast.
     */
    private void admit(Socket socket) {
        MetricsConnection connection = new MetricsConnection(socket, limits.requestDeadline().toNanos(), limits.maxHeadBytes(), this::answer,
                refusals, this::forget);
        MetricsConnection oldest = null;
        synchronized (open) {
            if (open.size() >= limits.maxConnections()) {
                long now = System.nanoTime();
                oldest = victim(open, MetricsConnection::draining, c -> c.standing(now, NEWCOMER_GRACE.toNanos()));
                open.remove(oldest);
            }
            open.add(connection);
        }
        MetricsConnection evicted = oldest;
        if (evicted != null) {
            evicted.count(MetricsRefusals.Reason.CONNECTION_LIMIT);
        }
        Thread thread = Thread.ofVirtual().name("echo-metrics-" + listener.getLocalPort() + "-connection").unstarted(() -> {
            if (evicted != null) {
                evicted.close();
            }
            connection.run();
        });
        connectionThreads.add(thread);
        thread.start();
    }

    /**
     * The connection to close for a newcomer at the bound, from {@code oldestFirst} (not empty): the
     * oldest of those whose {@link MetricsConnection.Standing} comes first (draining, then holding, then
     * newcomers, then those whose request waits unread, then those being answered). A real probe is
     * answered within milliseconds, so the ones held on purpose go first; one answered and draining
     * loses nothing. A probe admitted just before a burst on a busy machine waits in the later
     * standings, as a CI run and two attackers saw: closing it would refuse the very client the
     * bound protects.
     *
     * <p>Runs on the accept thread for every newcomer of a flood, and a standing past the flags costs a
     * system call: so the cheap {@code draining} flags are read first, and the standings are asked in
     * age order only until the first holder, which nothing after it can beat.
     */
    static <C> C victim(Collection<C> oldestFirst, Predicate<C> draining, Function<C, MetricsConnection.Standing> standing) {
        for (C connection : oldestFirst) {
            if (draining.test(connection)) {
                return connection;
            }
        }
        C chosen = null;
        MetricsConnection.Standing best = null;
        for (C connection : oldestFirst) {
            MetricsConnection.Standing current = standing.apply(connection);
            if (best == null || current.compareTo(best) < 0) {
                chosen = connection;
                best = current;
                if (best.compareTo(MetricsConnection.Standing.HOLDING) <= 0) {
                    break; // none left comes earlier: the draining ones were looked for first
                }
            }
        }
        return chosen;
    }

    /** Closes every connection past its deadline, counting it as a timeout unless it counted something already. */
    private void sweep() {
        connectionThreads.removeIf(thread -> thread.getState() == Thread.State.TERMINATED);
        long now = System.nanoTime();
        List<MetricsConnection> late = new ArrayList<>();
        synchronized (open) {
            for (MetricsConnection connection : open) {
                // A period's slack: the connection's own read ends at the deadline and answers 408; the
                // sweep is for a write the client does not take.
                if (connection.pastDeadline(now, SWEEP_PERIOD.toNanos())) {
                    late.add(connection);
                }
            }
        }
        for (MetricsConnection connection : late) {
            connection.count(MetricsRefusals.Reason.TIMEOUT);
            connection.close();
        }
    }

    private void forget(MetricsConnection connection) {
        synchronized (open) {
            open.remove(connection);
        }
    }

    private HttpAnswer answer(HttpRequestLine request) {
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET")) {
            return new HttpAnswer(405, HttpAnswer.PLAIN_TEXT, "method not allowed\n", false, "GET, HEAD");
        }
        return switch (request.path()) {
            case "/metrics" -> new HttpAnswer(200, PROMETHEUS_TEXT, scrape.get(), head, null);
            case "/healthz" -> {
                boolean ok = healthy.getAsBoolean();
                yield new HttpAnswer(ok ? 200 : 503, HttpAnswer.PLAIN_TEXT, ok ? "ok\n" : "shutting down\n", head, null);
            }
            default -> new HttpAnswer(404, HttpAnswer.PLAIN_TEXT, "not found: try /metrics or /healthz\n", head, null);
        };
    }

    /**
     * Stops at once (a scrape is cheap to retry, and the server is going away): closes the listener
     * and every connection, and returns once their threads have ended (up to {@link #THREAD_EXIT_WAIT}
     * for the accept thread, as long again for the connections'; what is left then is logged).
     * Harmless twice.
     */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.warn("closing the metrics listener on port {} failed: {}", listener.getLocalPort(), e.toString());
        }
        boolean interrupted = false;
        try {
            if (!acceptThread.join(THREAD_EXIT_WAIT)) {
                log.warn("the metrics accept thread {} did not end within {}", acceptThread.getName(), THREAD_EXIT_WAIT);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        List<MetricsConnection> left;
        synchronized (open) {
            left = new ArrayList<>(open);
        }
        left.forEach(MetricsConnection::close);
        long deadline = System.nanoTime() + THREAD_EXIT_WAIT.toNanos();
        for (Thread thread : connectionThreads) {
            try {
                long remaining = deadline - System.nanoTime();
                if (interrupted || remaining <= 0 || !thread.join(Duration.ofNanos(remaining))) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        long running = connectionThreads.stream().filter(Thread::isAlive).count();
        if (running > 0) {
            log.warn("port {}: {} metrics connection thread(s) still running after {}", listener.getLocalPort(), running,
                    THREAD_EXIT_WAIT);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
