package dev.echo.server;

import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Until when one connection's thread may wait in a read: the current frame's deadline (the
 * handshake's, first, under TLS), the drain's once closing, and whether the thread is blocked in a
 * read right now. The connection's thread sets them; the idle sweeper reads them without a lock
 * (hence volatile) and, through the {@link ConnectionPhase}, marks a read it ends as expired.
 *
 * <p>Reads are plain, untimed reads (a timed read on a virtual thread schedules and cancels a timer
 * each time, which cost a third of the server's CPU per request): the thread publishes its deadline
 * while blocked ({@link #blockedUntil}), and the sweeper ends a read still blocked after it.
 */
final class ReadDeadlines {
    /** A deadline not set. */
    static final long UNSET = Long.MIN_VALUE;

    private final long idleNanos;
    /** The current frame's (or handshake's) deadline; only the connection's thread reads and writes it. */
    private long frameDeadlineNanos;
    /** The frame's deadline while the thread is blocked in a read, else UNSET. */
    private volatile long blockedUntilNanos = UNSET;
    /** While closing: the deadline that replaces the frame's, else UNSET. */
    private volatile long drainDeadlineNanos = UNSET;
    /** Set by the sweeper before it ends a blocked read, so that the end reads as a timeout. */
    private volatile boolean expired;

    ReadDeadlines(long idleNanos) {
        this.idleNanos = idleNanos;
    }

    /** A frame (or the handshake) starts now and must be whole within {@code timeoutNanos}; returns its deadline. */
    long startFrame(long nowNanos, long timeoutNanos) {
        frameDeadlineNanos = nowNanos + timeoutNanos;
        return frameDeadlineNanos;
    }

    /** Closing: reads wait until {@code deadlineNanos} from now on, whatever the frame's was. */
    void drainUntil(long deadlineNanos) {
        drainDeadlineNanos = deadlineNanos;
    }

    /** The deadline of the read about to start: the drain's once closing, else the frame's. */
    long readDeadlineNanos() {
        long drain = drainDeadlineNanos;
        return drain != UNSET ? drain : frameDeadlineNanos;
    }

    /** The thread is about to block in a read until {@code deadlineNanos}, or has left it ({@link #UNSET}). */
    void blockedUntil(long deadlineNanos) {
        blockedUntilNanos = deadlineNanos;
    }

    /** True if the thread is blocked in a read whose deadline is before {@code nowNanos}. */
    boolean blockedPastDeadline(long nowNanos) {
        long until = blockedUntilNanos;
        if (until == UNSET) {
            return false;
        }
        long drain = drainDeadlineNanos;
        return nowNanos - (drain != UNSET ? drain : until) > 0;
    }

    /**
     * True if the thread has been blocked in a read for longer than the idle timeout past its deadline.
     * Bytes that arrive then are no reason to wait longer: TLS records without data (a KeyUpdate) never
     * end the read, and a client that kept sending them was spared at every check.
     */
    boolean blockedLongPastDeadline(long nowNanos) {
        return blockedPastDeadline(nowNanos - idleNanos);
    }

    /** The sweeper is ending the read: its end is a timeout, not the peer's. */
    void expire() {
        expired = true;
    }

    /** True if the sweeper ended the read. */
    boolean expired() {
        return expired;
    }

    /** The timeout a read ends with when its deadline passed. */
    SocketTimeoutException timedOut() {
        return new SocketTimeoutException("no whole frame within " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms");
    }
}
