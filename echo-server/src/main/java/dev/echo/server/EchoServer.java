package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.Durations;
import dev.echo.core.HostPort;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking echo/add server: one platform thread ({@code echo-accept-PORT}) accepts, and every
 * connection runs on its own thread, reading a frame, answering it, and repeating. Answers go out
 * in request order, one per request; pipelined requests are answered without waiting for the client
 * to read.
 *
 * <pre>{@code
 * try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
 *     int port = server.port();
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} binds and returns; starting twice is harmless; a closed server
 * cannot be started again. {@link #close()} stops gracefully: the listening socket closes first,
 * connections waiting between frames close at once, requests already read are answered, a request
 * completed during the grace period is answered SHUTTING_DOWN and its connection closes, and when
 * the grace period is over every remaining connection is closed.
 *
 * <p>Thread-safe.
 */
public final class EchoServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EchoServer.class);
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** After the grace period, close() waits for connection threads while one ends at least this often. */
    private static final Duration THREAD_EXIT_WAIT = Duration.ofSeconds(2);
    /** ... and at most this long in all. */
    private static final Duration THREAD_EXIT_CAP = Duration.ofSeconds(10);
    /**
     * The most close() takes past the grace period, each wait in the order close() makes it: the
     * capped wait for connection threads, up to {@link #THREAD_EXIT_WAIT} each for the pool and the
     * idle sweeper, then the transport's threads ({@link TlsTransport#STOP_WAIT}), the events thread
     * ({@link ServerEvents#STOP_WAIT}) and the metrics endpoint ({@link MetricsEndpoint#MAX_CLOSE_WAIT}).
     * A supervisor's stop timeout (Kubernetes' terminationGracePeriodSeconds) must cover grace + this.
     */
    static final Duration MAX_CLOSE_AFTER_GRACE = THREAD_EXIT_CAP.plus(THREAD_EXIT_WAIT.multipliedBy(2))
            .plus(TlsTransport.STOP_WAIT).plus(ServerEvents.STOP_WAIT).plus(MetricsEndpoint.MAX_CLOSE_WAIT);
    private static final int ACCEPT_BACKLOG = 1024;

    private enum State { NEW, RUNNING, CLOSED }

    private final ServerConfig config;
    private final long instance = INSTANCES.incrementAndGet();
    private final ServerCounters counters;
    private final TlsCounters tlsCounters = new TlsCounters(java.time.Clock.systemUTC());
    /** Null when the config has no metrics port. */
    private final ServerMetrics metrics;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final BufferBudget bufferBudget;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile State state = State.NEW;
    private ServerSocket listener;
    private volatile Transport transport;
    private InetSocketAddress boundAddress;
    private Thread acceptThread;
    private ExecutorService connectionThreads;
    private IdleSweeper idleSweeper;
    private ObjectName mbeanName;

    private EchoServer(ServerConfig config, ServerEvents events) {
        this.config = Objects.requireNonNull(config, "config");
        this.bufferBudget = BufferBudget.of(config.maxBufferedBytes(), connectionReserve(config));
        this.metrics = ServerMetrics.forConfig(config);
        this.counters = new ServerCounters(events, metrics == null ? null : metrics.requestTime());
    }

    /**
     * The part of the buffer budget that frames never take, kept for new TLS connections' record buffers
     * ({@link TlsTransport#RECORD_BUFFER_BYTES} each): a quarter, or less where the rest would not hold one
     * frame of the largest size. In clear text a connection needs nothing from the budget before its frames.
     */
    static long connectionReserve(ServerConfig config) {
        if (config.tls() == null) {
            return 0;
        }
        long budget = config.maxBufferedBytes();
        return Math.max(0, Math.min(budget / 4, budget - config.maxFrameBytes()));
    }

    /**
     * The warning for a TLS server whose buffer budget holds fewer connections' record buffers ({@link
     * TlsTransport#RECORD_BUFFER_BYTES} each) than its connection limit: past that many, new TLS clients
     * are refused SERVER_BUSY however many slots are free, which the limit alone does not tell an
     * operator (a 512 MiB container's default budget holds about 1,200, the default limit is 10,000).
     */
    static Optional<String> tlsCapacityWarning(ServerConfig config) {
        long fit = config.maxBufferedBytes() / TlsTransport.RECORD_BUFFER_BYTES;
        if (config.tls() == null || fit >= config.maxConnections()) {
            return Optional.empty();
        }
        return Optional.of("the buffer budget of " + config.maxBufferedBytes() + " bytes holds the TLS record buffers"
                + " of " + fit + " connections (" + TlsTransport.RECORD_BUFFER_BYTES + " bytes each), fewer than the "
                + config.maxConnections() + " of --max-connections: TLS clients past " + fit + " get SERVER_BUSY."
                + " Raise --max-buffered-bytes (or the heap) or lower --max-connections to match");
    }

    /** A server for {@code config}, not yet listening. */
    public static EchoServer create(ServerConfig config) {
        return new EchoServer(config, new ServerEvents());
    }

    /** A server whose refusals, timeouts and bad frames go to {@code events}, for tests (a short interval). */
    static EchoServer create(ServerConfig config, ServerEvents events) {
        return new EchoServer(config, events);
    }

    /**
     * Binds the listening socket and starts accepting; returns at once. A second call on a running
     * server does nothing.
     *
     * @return this server
     * @throws BindException if the address is in use or cannot be bound; the message names it
     * @throws IOException if the listening socket cannot be opened
     * @throws dev.echo.core.tls.TlsMaterialException if a TLS file cannot be used; the message names it
     * @throws IllegalStateException if the server was closed
     */
    public EchoServer start() throws IOException {
        lifecycle.lock();
        try {
            if (state == State.RUNNING) {
                return this;
            }
            if (state == State.CLOSED) {
                throw new IllegalStateException("server was closed and cannot start again; create a new EchoServer");
            }
            Transport chosen = Transport.of(config, bufferBudget, tlsCounters, counters); // TLS files are read before binding
            ServerSocket socket = Binding.serverSocket(config.host(), config.port(), ACCEPT_BACKLOG);
            if (metrics != null) {
                metrics.start(counters, registry::size, bufferBudget, this::isRunning, socket);
            }
            listener = socket;
            boundAddress = (InetSocketAddress) socket.getLocalSocketAddress();
            int port = socket.getLocalPort();
            counters.startEvents("echo-events-" + port);
            connectionThreads = config.threadMode().newExecutor(port);
            transport = chosen;
            transport.start(port);
            if (metrics != null) {
                chosen.bindMetrics(metrics.registry());
            }
            idleSweeper = new IdleSweeper(registry, transport, config.idleTimeout(), port);
            acceptThread = Thread.ofPlatform().name("echo-accept-" + port)
                    .unstarted(new AcceptLoop(socket, config, transport, counters, registry, connectionThreads,
                            bufferBudget));
            state = State.RUNNING;
            mbeanName = ServerMXBeanAdapter.register(this, instance);
            idleSweeper.start();
            acceptThread.start();
            log.debug("listening on {} (framing={}, threads={})", HostPort.of(boundAddress),
                    config.framing().cliName(), config.threadMode());
            tlsCapacityWarning(config).ifPresent(line -> log.warn("port {}: {}", port, line));
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Where {@code /metrics} and {@code /healthz} are served; empty if not configured or not started. */
    public Optional<InetSocketAddress> metricsAddress() {
        return metrics == null ? Optional.empty() : Optional.ofNullable(metrics.address());
    }

    /**
     * The bound port: the real one when the config asked for port 0.
     *
     * @throws IllegalStateException if the server was never started
     */
    public int port() {
        return address().getPort();
    }

    /**
     * The bound address.
     *
     * @throws IllegalStateException if the server was never started
     */
    public InetSocketAddress address() {
        InetSocketAddress address = boundAddress;
        if (address == null) {
            throw new IllegalStateException("server has not been started: call start() first");
        }
        return address;
    }

    /** The config this server was created with. */
    public ServerConfig config() {
        return config;
    }

    /** A snapshot of the counters since start. */
    public ServerStats stats() {
        return counters.snapshot(registry.size());
    }

    /** A snapshot of the TLS counters since start; empty without TLS or before start. */
    public Optional<TlsStats> tlsStats() {
        return Optional.ofNullable(tlsCounters.snapshot());
    }

    /** True between {@link #start()} and {@link #close()}. */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /**
     * Stops gracefully: closes the listening socket, ends connections waiting between frames, lets
     * requests already read be answered, and closes what remains when the grace period is over. Every
     * connection ends with its whole answers and a FIN, not a reset (see {@link ConnectionHandler}).
     * Returns once every connection is closed and every thread of this server (accept, idle sweeper,
     * pool workers) has ended. Past the grace period it waits for closed connections' threads only while
     * they keep ending (some in every 2 s, as on busy cores), at most 10 s, then logs what is left;
     * with the waits for the pool, the idle sweeper, the TLS, events and metrics threads, within the grace
     * period plus {@link #MAX_CLOSE_AFTER_GRACE} (24 s).
     * Harmless on a server that is closed or was never started.
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (state != State.RUNNING) {
                state = State.CLOSED;
                return;
            }
            state = State.CLOSED;
            long graceDeadline = System.nanoTime() + Durations.nanosSaturated(config.shutdownGrace());
            closeListener();
            try {
                if (!acceptThread.join(THREAD_EXIT_WAIT)) {
                    log.warn("port {}: the accept thread {} did not end within {}", boundAddress.getPort(),
                            acceptThread.getName(), Durations.format(THREAD_EXIT_WAIT));
                }
                registry.beginShutdown();
                if (!registry.awaitEmpty(graceDeadline)) {
                    int forced = registry.forceCloseAll();
                    log.info("port {}: grace period of {} over, closed {} connection(s) still busy",
                            boundAddress.getPort(), Durations.format(config.shutdownGrace()), forced);
                }
                // On busy cores closed connections can take a while to end: wait while they do.
                long exitStart = System.nanoTime();
                boolean ended = registry.awaitEmptyWhileEnding(THREAD_EXIT_WAIT.toNanos(), exitStart + THREAD_EXIT_CAP.toNanos());
                if (!ended) {
                    boolean capped = System.nanoTime() - exitStart >= THREAD_EXIT_CAP.toNanos();
                    log.warn("port {}: {} connection thread(s) still running; {}", boundAddress.getPort(), registry.size(),
                            capped ? "close() waits no longer than " + Durations.format(THREAD_EXIT_CAP)
                                    : "none ended in the last " + Durations.format(THREAD_EXIT_WAIT));
                }
                connectionThreads.shutdown();
                if (ended && !connectionThreads.awaitTermination(THREAD_EXIT_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                    log.warn("port {}: connection threads did not end within {}", boundAddress.getPort(),
                            Durations.format(THREAD_EXIT_WAIT));
                }
                // Last: connections still finishing in the grace period keep their idle timeout.
                idleSweeper.stop(System.nanoTime() + THREAD_EXIT_WAIT.toNanos());
                transport.stop();
                counters.stopEvents();
            } catch (InterruptedException e) {
                registry.forceCloseAll();
                connectionThreads.shutdown();
                stopHelpersQuietly();
                Thread.currentThread().interrupt();
            }
            if (metrics != null) {
                metrics.close(); // last: /healthz says 503 for the whole shutdown
            }
            ServerMXBeanAdapter.unregister(mbeanName);
            mbeanName = null;
            log.debug("port {}: stopped", boundAddress.getPort());
        } finally {
            lifecycle.unlock();
        }
    }

    /** Closes every open connection at once, wherever it is (a second stop signal in the grace period); returns how many. */
    int cutConnections() {
        return registry.forceCloseAll();
    }

    /** After an interrupt: asks the sweeper to stop without waiting for it, and logs the events' last summary. */
    private void stopHelpersQuietly() {
        try {
            idleSweeper.stop(System.nanoTime());
            transport.stop();
            counters.stopEvents();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeListener() {
        try {
            listener.close();
        } catch (IOException e) {
            log.warn("closing the listening socket on port {} failed: {}", boundAddress.getPort(), e.toString());
        }
    }

    /**
     * What TLS serves, for the start line: the protocols, the client certificate rule and the
     * certificate new connections get now (subject, SANs, serial, not-after); empty without TLS.
     *
     * @throws IllegalStateException if the server was never started
     */
    public Optional<String> tlsDescription() {
        Transport current = transport;
        if (current == null) {
            throw new IllegalStateException("server has not been started: call start() first");
        }
        return current.describe();
    }

    /** The TLS counters; a seam for this package's tests and the stats. */
    TlsCounters tlsCounters() {
        return tlsCounters;
    }

    /** The transport, null before start; a seam for this package's tests. */
    Transport transport() {
        return transport;
    }

    /** The budget every connection's frame buffer draws from; a seam for this package's tests. */
    BufferBudget bufferBudget() {
        return bufferBudget;
    }

    /** The open connections; a seam for this package's tests. */
    ConnectionRegistry registry() {
        return registry;
    }

    @Override
    public String toString() {
        InetSocketAddress address = boundAddress;
        return "EchoServer[" + (address == null ? HostPort.of(config.host(), config.port()) : address) + ", " + state + "]";
    }
}
