package dev.echo.server;

import dev.echo.core.Durations;
import dev.echo.core.FrameFailure;
import dev.echo.core.HostPort;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients got wrong or were refused: each event is logged at DEBUG as it happens, and once per
 * interval (a minute) one INFO line sums up the interval's events by kind, with one peer of each as
 * a sample, only when there was any:
 *
 * <pre>
 * last 1m: rejected=120 (127.0.0.1:51234) idle-timeout=3 (10.1.2.3:40022) malformed=1 (127.0.0.1:50210)
 * </pre>
 *
 * An operator at the default level thus learns that something happens, and from whom, without a line
 * per refused connection when thousands are refused. Events come from every connection thread at
 * once; counting one is a LongAdder increment. The summaries are written by one platform thread of
 * its own, which {@link #stop()} joins: a scheduled executor's termination comes before its thread
 * has ended, and a closed server promises that every one of its threads has.
 */
final class ServerEvents {
    static final Duration SUMMARY_INTERVAL = Duration.ofMinutes(1);
    /** How long {@link #stop()} waits for a summary being written. */
    static final Duration STOP_WAIT = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ServerEvents.class);

    /** Kinds of event, in the order the summary lists them. */
    enum Kind {
        /** SERVER_BUSY at the connection limit. */
        REJECTED("rejected"),
        /** SERVER_BUSY: the frame needed more than the buffer budget had left. */
        OVER_BUDGET("over-budget"),
        IDLE_TIMEOUT("idle-timeout"),
        /** The client took no answer bytes for the idle timeout. */
        WRITE_TIMEOUT("write-timeout"),
        /** MALFORMED_MESSAGE: a body or a length prefix that does not parse. */
        MALFORMED("malformed"),
        FRAME_TOO_LARGE("too-large"),
        /** A TLS handshake that failed, for any {@link HandshakeFailure} reason. */
        HANDSHAKE_FAILED("tls-handshake-failed"),
        /** A TLS connection closed after its handshake for a record that is not valid (or a refused renegotiation). */
        TLS_BAD_RECORD("tls-bad-record");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Duration interval;
    private final Consumer<String> summaries;
    /** Where each event's line goes; null: DEBUG, and only built when DEBUG is on. */
    private final Consumer<String> eventLines;
    private final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);
    private final Map<Kind, AtomicReference<SocketAddress>> samples = new EnumMap<>(Kind.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopRequested = lock.newCondition();
    /** Under {@link #lock}. */
    private boolean stopped;
    private volatile Thread thread;

    /** Events logged at DEBUG, their summary at INFO every {@link #SUMMARY_INTERVAL}. */
    ServerEvents() {
        this(SUMMARY_INTERVAL, log::info, null);
    }

    /**
     * For tests: summaries every {@code interval} go to {@code summaries}, each event's line to
     * {@code eventLines} (null: to the DEBUG log).
     */
    ServerEvents(Duration interval, Consumer<String> summaries, Consumer<String> eventLines) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.interval = interval;
        this.summaries = summaries;
        this.eventLines = eventLines;
        for (Kind kind : Kind.values()) {
            counts.put(kind, new LongAdder());
            samples.put(kind, new AtomicReference<>());
        }
    }

    /**
     * One event of {@code kind}, from {@code peer} (null if unknown), on connection {@code connection}
     * (0 for one never accepted); {@code detail} says what happened, for the DEBUG line.
     */
    void record(Kind kind, long connection, SocketAddress peer, String detail) {
        counts.get(kind).increment();
        AtomicReference<SocketAddress> sample = samples.get(kind);
        if (peer != null && sample.get() == null) {
            sample.compareAndSet(null, peer);
        }
        if (eventLines != null || log.isDebugEnabled()) {
            String line = kind.label + (connection == 0 ? "" : " on connection " + connection) + " from "
                    + HostPort.of(peer) + ": " + detail;
            if (eventLines == null) {
                log.debug(line);
            } else {
                eventLines.accept(line);
            }
        }
    }

    /** A connection closed for not completing a frame within {@code idleTimeout}. */
    void idleTimeout(long connection, SocketAddress peer, Duration idleTimeout) {
        record(Kind.IDLE_TIMEOUT, connection, peer, "no whole frame within " + Durations.format(idleTimeout));
    }

    /** A connection closed because its peer took no answer bytes for {@code idleTimeout}. */
    void writeTimeout(long connection, SocketAddress peer, Duration idleTimeout) {
        record(Kind.WRITE_TIMEOUT, connection, peer, "took no answer bytes for " + Durations.format(idleTimeout));
    }

    /** A TLS handshake failed; {@code detail} starts with the reason's label. */
    void handshakeFailed(long connection, SocketAddress peer, String detail) {
        record(Kind.HANDSHAKE_FAILED, connection, peer, detail);
    }

    /** A TLS connection closed for what is not a valid record; {@code detail} is the JDK's reason. */
    void tlsBadRecord(long connection, SocketAddress peer, String detail) {
        record(Kind.TLS_BAD_RECORD, connection, peer, detail);
    }

    /** A connection turned away with SERVER_BUSY at the limit of {@code maxConnections}. */
    void rejected(SocketAddress peer, int maxConnections) {
        record(Kind.REJECTED, 0, peer, "SERVER_BUSY at the limit of " + maxConnections + " connections");
    }

    /** A connection refused SERVER_BUSY before its first byte: no buffer space for it. */
    void outOfBuffers(SocketAddress peer, String detail) {
        record(Kind.OVER_BUDGET, 0, peer, detail);
    }

    /** The event a failed frame is, if any (a peer gone inside a frame is none), recorded as {@link #record} does. */
    void record(FrameFailure failure, long connection, SocketAddress peer, String detail) {
        switch (failure) {
            case TOO_LARGE -> record(Kind.FRAME_TOO_LARGE, connection, peer, detail);
            case MALFORMED, UNPARSABLE, UNPARSABLE_RAW -> record(Kind.MALFORMED, connection, peer, detail);
            case OVER_BUDGET -> record(Kind.OVER_BUDGET, connection, peer, detail);
            case TRUNCATED -> { }
        }
    }

    /**
     * The summary of the events since the last call, and resets the counts; null if there was none.
     * Events recorded while it runs are told in this summary or the next, never lost.
     */
    String takeSummary() {
        List<String> parts = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            long count = counts.get(kind).sumThenReset();
            SocketAddress sample = samples.get(kind).getAndSet(null);
            if (count > 0) {
                parts.add(kind.label + "=" + count + (sample == null ? "" : " (" + HostPort.of(sample) + ")"));
            }
        }
        return parts.isEmpty() ? null : String.join(" ", parts);
    }

    /** Starts logging a summary each interval, on one daemon platform thread named {@code threadName}. */
    void start(String threadName) {
        lock.lock();
        try {
            stopped = false;
        } finally {
            lock.unlock();
        }
        thread = Thread.ofPlatform().daemon(true).name(threadName).start(this::summarizeUntilStopped);
    }

    /** The summaries' thread: alive between {@link #start} and {@link #stop}; null before start or after stop. */
    Thread thread() {
        return thread;
    }

    /**
     * Stops the summaries and returns once their thread has ended (waiting up to {@link #STOP_WAIT}
     * for one being written; past that, says so), then tells the unfinished interval's.
     */
    void stop() throws InterruptedException {
        Thread current = thread;
        if (current == null) {
            return;
        }
        lock.lock();
        try {
            stopped = true;
            stopRequested.signalAll();
        } finally {
            lock.unlock();
        }
        if (!current.join(STOP_WAIT)) {
            log.warn("the events thread {} did not end within {}", current.getName(), Durations.format(STOP_WAIT));
        }
        thread = null;
        logSummary("until stopped");
    }

    private void summarizeUntilStopped() {
        long next = System.nanoTime();
        while (true) {
            next += Durations.nanosSaturated(interval);
            if (!awaitUntil(next)) {
                return;
            }
            logSummary("last " + Durations.format(interval));
        }
    }

    /** Waits until {@code deadlineNanos}; false if stopped first (or interrupted). */
    private boolean awaitUntil(long deadlineNanos) {
        lock.lock();
        try {
            long remaining = deadlineNanos - System.nanoTime();
            while (!stopped && remaining > 0) {
                remaining = stopRequested.awaitNanos(remaining);
            }
            return !stopped;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void logSummary(String when) {
        String summary = takeSummary();
        if (summary != null) {
            summaries.accept(when + ": " + summary);
        }
    }

}
