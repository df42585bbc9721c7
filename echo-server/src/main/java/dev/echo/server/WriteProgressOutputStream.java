package dev.echo.server;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The socket's output with a record of progress: a write is handed to the socket in pieces of at
 * most {@value #PIECE_BYTES} bytes, and a counter moves as each piece begins and ends, so the
 * server's {@link IdleSweeper} can tell a client that reads slowly (pieces keep completing) from
 * one that stopped reading (one piece blocked for the whole idle timeout) and close the latter.
 * The writing thread only bumps the counter; the sweeper, which looks anyway, keeps the clock.
 * A piece whose virtual thread is runnable is not blocked on the peer ({@link VirtualThreadState}).
 */
final class WriteProgressOutputStream extends FilterOutputStream {
    /**
     * Small enough that a writer which gets a core only now and then (a busy machine) still completes
     * pieces, each of which restarts the stall clock: the JDK's partial writes inside a piece are not
     * seen. Larger pieces save nothing: the JDK writes what the socket takes either way.
     */
    static final int PIECE_BYTES = 16 * 1024;

    /** Odd while a piece is being written; written by the connection's thread alone. */
    private volatile long progress;
    /** The connection's thread, the one that writes. */
    private final Thread writer;
    /**
     * The sweeper's own: the progress it last saw change during a piece, when it last looked and
     * whether the writer was parked then, and for how long of the piece it has seen the writer
     * blocked (parked at both ends of a span between its looks).
     */
    private long seenProgress = -1;
    private long lastLookNanos;
    private boolean parkedAtLastLook;
    private long blockedNanos;

    /** {@code writer}: the thread that writes to it, whose state tells a parked piece from a runnable one. */
    WriteProgressOutputStream(OutputStream out, Thread writer) {
        super(out);
        this.writer = writer;
    }

    /**
     * True if the same piece has been blocked for more than {@code limitNanos}, as far as calls at
     * the sweeper's pace can see: a stall is noticed between the limit and one call after it. A span
     * between two looks counts only if the writer was parked (not runnable) at both: a writer seen
     * runnable was woken because the client took bytes, and on a busy machine a woken writer may wait
     * long for a core and park again briefly, so one parked look after a late sweep says nothing about
     * the whole span. A runnable look does not restart the clock either, so a client cannot buy a
     * fresh timeout with a few bytes timed to the sweep; to keep the clock from counting it must make
     * the writer runnable at every other look, which is reading, not holding. Called by one thread
     * only, the sweeper.
     */
    boolean stalledLongerThan(long nowNanos, long limitNanos) {
        long current = progress;
        if ((current & 1) == 0) {
            seenProgress = -1;
            return false;
        }
        boolean parked = !VirtualThreadState.runnable(writer);
        if (current != seenProgress) {
            seenProgress = current;
            lastLookNanos = nowNanos;
            parkedAtLastLook = parked;
            blockedNanos = 0;
            return false;
        }
        if (parked && parkedAtLastLook) {
            blockedNanos += nowNanos - lastLookNanos;
        }
        lastLookNanos = nowNanos;
        parkedAtLastLook = parked;
        return blockedNanos > limitNanos;
    }

    /** True while a piece is being written. */
    boolean pieceOnItsWay() {
        return (progress & 1) != 0;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            while (len > 0) {
                int piece = Math.min(len, PIECE_BYTES);
                progress++; // odd: a piece is on its way; only this thread writes the counter
                out.write(b, off, piece);
                progress++;
                off += piece;
                len -= piece;
            }
        } finally {
            if ((progress & 1) != 0) {
                progress++; // a failed piece is not a stalled one
            }
        }
    }
}
