package dev.echo.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Where one connection is: the phase (handshake, waiting at a frame boundary, reading a frame,
 * answering, closing, done) and the shutdown mark, a state machine whose transitions also move its
 * {@link ReadDeadlines} (a frame's deadline at each frame boundary, the drain's once closing). The
 * connection's thread, the idle sweeper and the shutdown all change it, each under one lock, so that
 * none of them decides on a stale phase. It does no I/O: a change that needs some returns what the
 * caller must do to the {@link ConnectionTransport} ({@link Action}, {@link Overdue}), once the phase
 * says so for everyone. A client that trickles a byte now and then (slowloris) times out as surely
 * as a silent one: the frame's deadline is set once, at its boundary.
 *
 * <p>Once closing (last answer and FIN sent), a drain deadline replaces the frame's: input is read
 * only to be dropped, until the peer closes, or has sent nothing since our FIN for {@link
 * #DRAIN_QUIET_NANOS}, and at most {@link #DRAIN_MAX_NANOS} in all. A peer that sends after our FIN
 * waits for the bound or its own FIN (see {@link #bytesArrived}).
 */
final class ConnectionPhase {
    /**
     * After our FIN: how long a peer that has sent nothing since may stay silent before we close, and
     * how long the drain may last.
     */
    static final long DRAIN_QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long DRAIN_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

    private enum Phase {
        /** TLS: the handshake, timed like a frame. */
        HANDSHAKE,
        /** At a frame boundary, nothing of the next frame received, every answer flushed. */
        WAITING,
        /** Part of a frame received. */
        READING,
        /** Answering a complete frame. */
        ANSWERING,
        /** Our side shut after the last answer; input is read only to be dropped. */
        CLOSING,
        /** Closed, or being closed. */
        DONE
    }

    /** What to do with a frame that has arrived whole. */
    enum Verdict { ANSWER, REFUSE, DRAIN }

    /** What the caller of a change must do to the connection's transport. */
    enum Action {
        NONE,
        /** Send our end (FIN): the connection is closing. */
        SHUT_OUTPUT,
        /** Close the socket: nothing was said yet that a FIN would keep (the handshake). */
        CLOSE
    }

    private final long idleNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private Phase phase = Phase.WAITING;
    private boolean shuttingDown;
    /** True once the server, not this connection's thread, ended it (grace period over, writer stalled). */
    private boolean closedByServer;
    private long closingSinceNanos;
    /** Bytes received so far, and how many had arrived when shutdown began; guarded by {@link #lock}. */
    private long bytesArrived;
    private long bytesArrivedAtShutdown = Long.MAX_VALUE;
    /** Set only when the thread has its streams: before that, shutdown is seen at the first frame boundary. */
    private boolean streamsReady;
    /**
     * True while the thread flushes answers at a frame boundary before a read: WAITING says every answer
     * is flushed, so shutdown leaves our side to the thread until the flush is over ({@link #endFlush}).
     */
    private boolean flushing;
    /** Until when the thread may wait in a read; the transitions here move them. */
    private final ReadDeadlines deadlines;
    /** When the connection was accepted: its first wait's deadline counts from then. */
    private final long acceptedNanos;
    /** Guarded by {@link #lock}: the first wait (the handshake, or the first frame) has begun. */
    private boolean firstWaitBegun;

    /** @param acceptedNanos when the connection was accepted ({@link System#nanoTime}) */
    ConnectionPhase(long idleNanos, long acceptedNanos) {
        this.idleNanos = idleNanos;
        this.deadlines = new ReadDeadlines(idleNanos);
        this.acceptedNanos = acceptedNanos;
    }

    /** Until when the connection's thread may wait in its reads. */
    ReadDeadlines deadlines() {
        return deadlines;
    }

    /**
     * The TLS handshake begins, timed like a frame by the idle timeout or by {@code timeoutNanos}
     * when the server has a handshake timeout; returns its deadline.
     */
    long beginHandshake(long timeoutNanos) {
        lock.lock();
        try {
            phase = Phase.HANDSHAKE;
            return deadlines.startFrame(waitStartLocked(System.nanoTime()), timeoutNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Where a wait's deadline counts from: the accept for the connection's first wait, so that time
     * spent waiting for a thread (queued for a platform pool's) counts against the client; else now.
     */
    private long waitStartLocked(long nowNanos) {
        if (firstWaitBegun) {
            return nowNanos;
        }
        firstWaitBegun = true;
        return acceptedNanos;
    }

    /**
     * True if the first frame's wait has not begun and its deadline, counted from the accept, has
     * passed at {@code nowNanos}: the connection waited that long for a thread.
     */
    boolean firstFrameOverdue(long nowNanos) {
        lock.lock();
        try {
            return !firstWaitBegun && nowNanos - (acceptedNanos + idleNanos) >= 0;
        } finally {
            lock.unlock();
        }
    }

    /** The connection's thread has its streams: from now on shutdown and the sweeper may close its side. */
    void streamsReady() {
        whileLocked(() -> streamsReady = true);
    }

    /** At a frame boundary: false if the connection should end (shutdown, and nothing of a next frame is here). */
    boolean awaitFrame(boolean partOfFrameBuffered) {
        lock.lock(); // not underLock: this runs once a frame, where a capturing lambda is an allocation
        try {
            if (closingLocked() || (shuttingDown && !partOfFrameBuffered)) {
                return false;
            }
            phase = partOfFrameBuffered ? Phase.READING : Phase.WAITING;
            deadlines.startFrame(waitStartLocked(System.nanoTime()), idleNanos);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A whole frame, ending at stream offset {@code frameEnd}, is here. It is answered, unless our
     * side is shut already (drain), or it was completed after shutdown began (SHUTTING_DOWN).
     */
    Verdict beginAnswer(long frameEnd) {
        lock.lock(); // once a frame, like awaitFrame
        try {
            if (closingLocked()) {
                return Verdict.DRAIN;
            }
            phase = Phase.ANSWERING;
            return shuttingDown && frameEnd > bytesArrivedAtShutdown ? Verdict.REFUSE : Verdict.ANSWER;
        } finally {
            lock.unlock();
        }
    }

    /** True once our side is shut or the connection is closed. */
    boolean closing() {
        return underLock(this::closingLocked);
    }

    private boolean closingLocked() {
        return phase == Phase.CLOSING || phase == Phase.DONE;
    }

    /** True if the server ended the connection from outside its thread, so a failed read is not the peer's doing. */
    boolean closedByServer() {
        return underLock(() -> closedByServer);
    }

    /** True while part of a frame has arrived and the rest has not. */
    boolean readingFrame() {
        return underLock(() -> phase == Phase.READING);
    }

    /**
     * Our side ends (FIN after the last answer) and the drain starts, unless closing already; the
     * caller has flushed every answer. True if the caller must now shut the output.
     */
    boolean beginClosing() {
        lock.lock();
        try {
            if (closingLocked()) {
                return false;
            }
            beginClosingLocked(System.nanoTime());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the drain; the caller shuts our side. Only where no answer is being written: by the
     * connection's thread, or by another while it is blocked in a read, which it enters only with
     * every answer flushed.
     */
    private void beginClosingLocked(long nowNanos) {
        phase = Phase.CLOSING;
        closingSinceNanos = nowNanos;
        deadlines.drainUntil(nowNanos + DRAIN_QUIET_NANOS);
    }

    /** When the drain must end however busy the peer keeps the input. */
    long drainEndNanos() {
        return underLock(() -> closingSinceNanos + DRAIN_MAX_NANOS);
    }

    /** A read returned {@code count} bytes, at least one. */
    void bytesArrived(int count) {
        lock.lock(); // once a read, like awaitFrame
        try {
            bytesArrived += count;
            if (phase == Phase.WAITING) {
                phase = Phase.READING;
            } else if (phase == Phase.CLOSING) {
                // Sending after our FIN, the peer is mid pipeline, with answers it may not have read (our
                // FIN waits behind them): if we close and it sends again, the kernel resets the connection
                // and throws away the answers still in our send buffer. A quiet second did not tell a paused
                // writer from a finished one (ShutdownPausedWriterTest), so only its FIN or the bound ends it.
                deadlines.drainUntil(closingSinceNanos + DRAIN_MAX_NANOS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shutdown began: a connection waiting at a frame boundary ends now (FIN), one in its handshake
     * is closed; any other ends at its next frame boundary. Returns what the caller must do.
     */
    Action stopIfWaiting() {
        lock.lock();
        try {
            if (!shuttingDown) {
                shuttingDown = true;
                bytesArrivedAtShutdown = bytesArrived;
            }
            if (phase == Phase.HANDSHAKE) {
                phase = Phase.DONE;
                closedByServer = true;
                return Action.CLOSE;
            }
            if (phase == Phase.WAITING && streamsReady && !flushing) {
                beginClosingLocked(System.nanoTime());
                return Action.SHUT_OUTPUT;
            }
            return Action.NONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The thread is about to flush answers before a read that may wait. Until {@link #endFlush}, shutdown
     * does not shut our side: a FIN (or close_notify) sent by the stopping thread under that write cut an
     * answer in two, and a slow reader got part of a frame, then the end of the stream.
     */
    void beginFlush() {
        lock.lock(); // once a flush, like awaitFrame
        try {
            flushing = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The flush is over. True if shutdown came meanwhile and the connection is at a frame boundary: it
     * is closing now, and the caller shuts our side, as {@link #stopIfWaiting} would have.
     */
    boolean endFlush() {
        lock.lock();
        try {
            flushing = false;
            if (shuttingDown && phase == Phase.WAITING && streamsReady) {
                beginClosingLocked(System.nanoTime());
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The server ends the connection wherever it is; false if it had ended already. */
    boolean endByServer() {
        return underLock(() -> {
            if (phase == Phase.DONE) {
                return false;
            }
            phase = Phase.DONE;
            closedByServer = true;
            return true;
        });
    }

    /** The connection's thread is leaving. */
    void done() {
        whileLocked(() -> phase = Phase.DONE);
    }

    /** What the sweeper found for a blocked read past its deadline, and what it must do. */
    enum Overdue {
        NONE,
        /** No whole frame within the idle timeout: shut our side; the drain follows. */
        IDLE,
        /** The drain is over: end the blocked read (nothing is unread, so the close sends no reset). */
        DRAINED,
        /** The handshake took too long: close the socket. */
        HANDSHAKE
    }

    /**
     * Called by the sweeper for a read blocked past its deadline. Past a frame's deadline, starts
     * the graceful end (idle timeout); past the drain's, ends the read as a timeout; past the
     * handshake's, ends the connection. Nothing when bytes have arrived that the thread has not read
     * yet, or its thread was woken for them and has not run ({@code inputWaiting}): it is about to
     * run, and checks its deadline itself; but only for an idle timeout past the deadline, as bytes
     * that are no frame (TLS records without data) never let it check.
     */
    Overdue expireIfBlocked(long nowNanos, boolean inputWaiting) {
        lock.lock();
        try {
            if (phase == Phase.DONE || phase == Phase.ANSWERING || !deadlines.blockedPastDeadline(nowNanos)) {
                return Overdue.NONE;
            }
            if (phase == Phase.HANDSHAKE) {
                deadlines.expire();
                phase = Phase.DONE;
                closedByServer = true;
                return Overdue.HANDSHAKE;
            }
            if (inputWaiting && !deadlines.blockedLongPastDeadline(nowNanos)) {
                return Overdue.NONE;
            }
            if (phase == Phase.CLOSING) {
                deadlines.expire();
                return Overdue.DRAINED;
            }
            beginClosingLocked(nowNanos);
            return Overdue.IDLE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * True if the connection has been closing for longer than the drain may last, plus {@code
     * slackNanos}: its thread is stuck outside a read (a close_notify that a peer which reads
     * nothing never lets out), and only closing the socket ends it.
     */
    boolean closingTooLong(long nowNanos, long slackNanos) {
        lock.lock();
        try {
            return phase == Phase.CLOSING && nowNanos - (closingSinceNanos + DRAIN_MAX_NANOS + slackNanos) > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code step} under the lock (the methods called once a read or a frame take the lock themselves). */
    private void whileLocked(Runnable step) {
        lock.lock();
        try {
            step.run();
        } finally {
            lock.unlock();
        }
    }

    /** What {@code question} answers, asked under the lock. */
    private <T> T underLock(Supplier<T> question) {
        lock.lock();
        try {
            return question.get();
        } finally {
            lock.unlock();
        }
    }
}
