package dev.echo.server;

import dev.echo.core.BulkReadInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The socket's input as the frame reader sees it: untimed reads that keep to the deadline {@link
 * ConnectionPhase} sets (the frame's, or the drain's once closing). A read still blocked after it
 * is ended by the idle sweeper, and then throws {@link SocketTimeoutException}; answers waiting in
 * the writer are flushed before every read that may block.
 */
final class FrameDeadlineInputStream extends BulkReadInputStream {

    private final ConnectionPhase phase;
    private final ReadDeadlines deadlines;
    /** Called before every read that may block, so that no answer waits in a buffer meanwhile. */
    private final IoAction beforeRead;
    /** The deadline of the read in progress while it may block, else {@link ReadDeadlines#UNSET}. */
    private long blockedDeadline = ReadDeadlines.UNSET;

    FrameDeadlineInputStream(InputStream in, ConnectionPhase phase, IoAction beforeRead) {
        super(in);
        this.phase = phase;
        this.deadlines = phase.deadlines();
        this.beforeRead = beforeRead;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        beforeRead.run();
        if (deadlines.expired()) {
            throw deadlines.timedOut();
        }
        int n;
        long deadline = deadlines.readDeadlineNanos();
        if (System.nanoTime() - deadline >= 0) {
            // Late, perhaps only because this thread waited for a CPU: what had already arrived
            // by the deadline still counts, but nothing is waited for any more.
            int arrived = in.available();
            if (arrived <= 0) {
                throw deadlines.timedOut();
            }
            n = in.read(b, off, Math.min(len, arrived));
        } else {
            blockedDeadline = deadline;
            deadlines.blockedUntil(deadline);
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw deadlines.expired() ? withCause(deadlines.timedOut(), e) : e;
            } finally {
                deadlines.blockedUntil(ReadDeadlines.UNSET);
                blockedDeadline = ReadDeadlines.UNSET;
            }
            if (n < 0 && deadlines.expired()) {
                throw deadlines.timedOut();
            }
        }
        if (n > 0) {
            phase.bytesArrived(n);
        }
        return n;
    }

    /**
     * Runs {@code action} from inside a read of this stream (where a layer below is about to read the
     * socket) as not blocked in the read: a flush there that waits for the peer is the write's stall,
     * for the sweeper to time as such, not a read past its deadline.
     */
    void unblockedDuring(IoAction action) throws IOException {
        long deadline = blockedDeadline;
        deadlines.blockedUntil(ReadDeadlines.UNSET);
        try {
            action.run();
        } finally {
            deadlines.blockedUntil(deadline);
        }
    }

    private static SocketTimeoutException withCause(SocketTimeoutException timeout, IOException cause) {
        timeout.initCause(cause);
        return timeout;
    }
}
