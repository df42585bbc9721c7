package dev.echo.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the deadlines of one server's connections with one platform daemon thread ({@code
 * echo-idle-PORT}): every {@link #period(Duration)} it ends the reads that are still blocked past
 * their frame's deadline (or their drain's, once closing) and closes the connections whose answers
 * made no progress for the idle timeout, and has the {@link Transport} end what of its own is past
 * its deadline (a TLS refusal). Connection threads therefore read without SO_TIMEOUT,
 * which on a virtual thread would schedule and cancel a timer on every read. A connection is acted
 * on between its deadline and one period later.
 */
final class IdleSweeper implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IdleSweeper.class);
    /** The shortest {@link #period}: sweeping more often would only cost CPU. */
    static final long MIN_PERIOD_MILLIS = 10;
    /** The longest {@link #period}: the most a late connection outlives its deadline, and a drain its end. */
    static final long MAX_PERIOD_MILLIS = 250;
    private static final Duration MIN_PERIOD = Duration.ofMillis(MIN_PERIOD_MILLIS);
    private static final Duration MAX_PERIOD = Duration.ofMillis(MAX_PERIOD_MILLIS);

    private final ConnectionRegistry registry;
    private final Transport transport;
    private final PeriodicPause pause;
    private final Thread thread;

    IdleSweeper(ConnectionRegistry registry, Transport transport, Duration idleTimeout, int port) {
        this.registry = registry;
        this.transport = transport;
        this.pause = new PeriodicPause(period(idleTimeout).toNanos());
        this.thread = Thread.ofPlatform().daemon(true).name("echo-idle-" + port).unstarted(this);
    }

    /**
     * A quarter of the idle timeout, at least {@value #MIN_PERIOD_MILLIS} ms and at most {@value
     * #MAX_PERIOD_MILLIS} ms: also the delay with which a closing connection's drain ends, which a
     * shutdown waits for.
     */
    static Duration period(Duration idleTimeout) {
        Duration quarter = idleTimeout.dividedBy(4);
        if (quarter.compareTo(MIN_PERIOD) < 0) {
            return MIN_PERIOD;
        }
        return quarter.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : quarter;
    }

    void start() {
        thread.start();
    }

    /** The sweeper's thread, alive between {@link #start()} and {@link #stop}. */
    Thread thread() {
        return thread;
    }

    /** Stops the thread and waits until {@code deadlineNanos} for it to end. */
    void stop(long deadlineNanos) throws InterruptedException {
        pause.stop();
        if (thread.isAlive()) {
            thread.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        }
    }

    @Override
    public void run() {
        try {
            while (pause.awaitNext()) {
                sweep(System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Acts on every deadline passed at {@code nowNanos}. */
    void sweep(long nowNanos) {
        registry.checkDeadlines(nowNanos);
        transport.sweep(nowNanos);
    }

    @Override
    public String toString() {
        return "IdleSweeper[" + thread.getName() + ", every " + TimeUnit.NANOSECONDS.toMillis(pause.periodNanos()) + " ms]";
    }
}
