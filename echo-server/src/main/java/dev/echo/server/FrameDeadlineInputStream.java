package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The socket's input as the frame reader sees it, with one deadline per frame. Reads are plain,
 * untimed reads: a timed read (SO_TIMEOUT) on a virtual thread schedules and cancels a timer every
 * time, which cost about a third of the server's CPU per request. Instead the connection's thread
 * publishes the deadline while it is blocked in a read, and the server's {@link IdleSweeper} ends
 * a read that is still blocked after it ({@link #expire()}). A client that trickles a byte now and
 * then (slowloris) therefore times out as surely as a silent one.
 *
 * <p>Once the connection is closing (its last answer and FIN sent), a drain deadline set by any
 * thread ({@link #drainUntil}) replaces the frame's: input is then read only to be discarded, and
 * only until the peer has been quiet for a moment.
 */
final class FrameDeadlineInputStream extends InputStream {
    /** {@link #blockedUntilNanos} while no read is blocked. */
    private static final long NOT_BLOCKED = Long.MIN_VALUE;

    /** Told about reads, so the connection can flush its answers and track where it is. */
    interface Listener {
        /** Called before every read that may block. */
        void beforeRead() throws IOException;

        /** Called after a read returned {@code count} bytes, at least one. */
        void bytesArrived(int count);
    }

    private final InputStream in;
    private final Listener listener;
    private long deadlineNanos;
    private long timeoutMillis;
    /** The current frame's deadline while this stream's thread is blocked in a read, else NOT_BLOCKED. */
    private volatile long blockedUntilNanos = NOT_BLOCKED;
    /** Set by the sweeper before it ends a blocked read, so that the end reads as a timeout. */
    private volatile boolean expired;
    /** While closing: the deadline that replaces the frame's, else NOT_BLOCKED. */
    private volatile long drainDeadlineNanos = NOT_BLOCKED;

    FrameDeadlineInputStream(InputStream in, Listener listener) {
        this.in = in;
        this.listener = listener;
    }

    /** Starts the clock for the next frame: it must be complete within {@code timeoutMillis}. */
    void startFrame(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + Math.min(TimeUnit.MILLISECONDS.toNanos(timeoutMillis), Long.MAX_VALUE / 4);
    }

    /**
     * From now on reads end at {@code deadlineNanos} instead of the frame's deadline, even a read
     * that is blocked already; may be called from any thread, and again to move it.
     */
    void drainUntil(long deadlineNanos) {
        drainDeadlineNanos = deadlineNanos;
    }

    /** True if this stream's thread is blocked in a read whose deadline is before {@code nowNanos}. */
    boolean blockedPastDeadline(long nowNanos) {
        long until = blockedUntilNanos;
        if (until == NOT_BLOCKED) {
            return false;
        }
        long drain = drainDeadlineNanos;
        return nowNanos - (drain != NOT_BLOCKED ? drain : until) > 0;
    }

    private long deadlineNanos() {
        long drain = drainDeadlineNanos;
        return drain != NOT_BLOCKED ? drain : deadlineNanos;
    }

    /**
     * Marks the blocked read as timed out; the caller then shuts the socket's input down, which
     * ends the read, and the read throws {@link SocketTimeoutException}.
     */
    void expire() {
        expired = true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        listener.beforeRead();
        int n;
        if (expired) {
            throw timedOut(null);
        }
        long deadline = deadlineNanos();
        if (System.nanoTime() - deadline >= 0) {
            // Late, perhaps only because this thread waited for a CPU: what had already arrived
            // by the deadline still counts, but nothing is waited for any more.
            int arrived = in.available();
            if (arrived <= 0) {
                throw timedOut(null);
            }
            n = in.read(b, off, Math.min(len, arrived));
        } else {
            blockedUntilNanos = deadline;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw expired ? timedOut(e) : e;
            } finally {
                blockedUntilNanos = NOT_BLOCKED;
            }
            if (n < 0 && expired) {
                throw timedOut(null);
            }
        }
        if (n > 0) {
            listener.bytesArrived(n);
        }
        return n;
    }

    private SocketTimeoutException timedOut(IOException cause) {
        SocketTimeoutException e = new SocketTimeoutException("no whole frame within " + timeoutMillis + " ms");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
