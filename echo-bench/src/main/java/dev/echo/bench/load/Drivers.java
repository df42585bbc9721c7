package dev.echo.bench.load;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.EchoClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The run's connections: each {@link Driver} on its own virtual thread, started at the connect
 * rate, watched for overdue answers, and awaited at the end.
 */
final class Drivers {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long answers in flight are awaited after a stop the user asked for (Ctrl-C, SIGTERM), at
     * most {@code --timeout}: a healthy server's come within milliseconds, and a stalled one's held
     * the user for the whole timeout (a helper's finding).
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);

    private final LoadConfig config;
    private final RunState state;
    private final ClientConfig clientConfig;
    private final long timeoutNanos;
    private final ThreadFactory factory = Thread.ofVirtual().name("echo-load-", 0).factory();
    /** How many drivers were due so far: each one's id, and its place in the connect rate. */
    private int attempts;
    private final List<Started> started;
    /** {@code --client library}: the client the threads share (the library has its own deadlines). */
    private EchoClient shared;
    private boolean sharedFailed;
    /** The shared client's connect, on the clock's thread: a stop cuts it short (see {@link #abandonSharedConnect}). */
    private final StoppableConnect sharedConnect = new StoppableConnect();

    Drivers(LoadConfig config, RunState state) {
        this.config = config;
        this.state = state;
        // No socket read timeout: the clock's watchdog closes overdue connections (see ConnectionDriver).
        this.clientConfig = ClientConfig.builder().host(config.host()).port(config.port())
                .framing(config.framing()).connectTimeout(config.timeout()).readTimeout(Duration.ZERO)
                .tls(config.tls()).build();
        this.timeoutNanos = config.timeout().toNanos();
        this.started = new ArrayList<>(config.connections());
    }

    /**
     * Starts the connections due by {@code now} at the connect rate, counted from {@code start}.
     *
     * @return true once every connection attempt has finished, opened or failed
     */
    boolean openDue(long start, long now) {
        while (attempts < config.connections() && (config.connectRate() == 0
                || start + (long) (attempts * SECOND / config.connectRate()) <= now)) {
            int id = attempts++;
            Driver driver;
            if (config.libraryClient()) {
                EchoClient client = sharedClient(id);
                if (client == null) {
                    continue;
                }
                driver = new LibraryDriver(id, config, client, state);
            } else if (config.newConnectionPerRequest()) {
                // Its connections read with a socket timeout of their own: none lives long enough to watch.
                driver = new PerRequestDriver(id, config,
                        clientConfig.toBuilder().readTimeout(config.timeout()).build(), state);
            } else {
                driver = new ConnectionDriver(id, config, clientConfig, state);
            }
            Thread thread = factory.newThread(driver);
            started.add(new Started(id, driver, thread));
            thread.start();
        }
        return state.connectAttemptsDone.get() == config.connections();
    }

    /**
     * {@code --client library}: the one client every thread shares, connected on first use; null (and
     * every thread's attempt counted as failed) if it cannot connect.
     */
    private EchoClient sharedClient(int id) {
        if (shared == null && !sharedFailed) {
            // No close timeout: the calls are over when it is closed, or abandoned at a stop.
            ClientConfig sharedConfig = clientConfig.toBuilder().requestTimeout(config.timeout())
                    .closeTimeout(Duration.ZERO)
                    .maxInFlight(Math.max(ClientConfig.DEFAULT_MAX_IN_FLIGHT,
                            (int) Math.min(Integer.MAX_VALUE, (long) config.connections() * config.pipeline())))
                    .build();
            try {
                shared = sharedConnect.open(() -> EchoClient.connect(sharedConfig));
                state.connectionsOpened.incrementAndGet();
            } catch (EchoClientException | IOException e) {
                sharedFailed = true;
                if (sharedConnect.abandoned()) {
                    state.connectAbandonedAtStop(id);
                } else {
                    state.problem(e.getMessage());
                }
            }
        }
        if (shared == null) {
            if (!sharedConnect.abandoned()) {
                state.increment(RunState.Count.CONNECTION_ERRORS); // abandoned at the stop: not an error
            }
            state.connectAttemptsDone.incrementAndGet();
        }
        return shared;
    }

    /**
     * At a stop the user asked for: ends the shared client's connect if it is under way. It blocks the
     * clock, which would see the stop only at the connect timeout. Any thread may call it.
     */
    void abandonSharedConnect() {
        sharedConnect.abandon();
    }

    /** Closes every connection whose answer is overdue at {@code now}. */
    void abortStuck(long now) {
        for (Started s : started) {
            s.driver().abortIfStuck(now, timeoutNanos);
        }
    }

    /**
     * Waits for every connection to receive its answers in flight and end. One still waiting after
     * the timeout is closed; after a stop the user asked for ({@code stopRequested}), one still waiting
     * after {@link #STOP_GRACE} is closed and its answers in flight abandoned (the shared client of
     * {@code --client library} closed, the request's connection of {@code --new-connection-per-request}),
     * or its connect if it is still connecting.
     * One that does not end even then is given up on as a problem.
     */
    void awaitStopped(boolean stopRequested) throws InterruptedException {
        long deadline = System.nanoTime() + (stopRequested ? Math.min(timeoutNanos, STOP_GRACE.toNanos())
                : timeoutNanos + SECOND);
        try {
            for (Started s : started) {
                if (!awaitStopped(s, deadline, stopRequested)) {
                    state.problem(s.driver().didNotStop(s.id()));
                    return;
                }
            }
        } finally {
            if (shared != null) {
                shared.close();
            }
        }
    }

    private boolean awaitStopped(Started s, long deadline, boolean stopRequested) throws InterruptedException {
        while (!s.thread().join(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            if (now >= deadline + 5 * SECOND) {
                return false;
            }
            if (now >= deadline) {
                s.driver().closeFor(stopRequested
                        ? Driver.CloseReason.ABANDONED_AT_STOP : Driver.CloseReason.TIMED_OUT);
            } else {
                s.driver().abortIfStuck(now, timeoutNanos);
            }
        }
        return true;
    }

    /** A started driver and its thread; {@code id} is the attempt's number, which the driver's lines name too. */
    private record Started(int id, Driver driver, Thread thread) {
    }
}
