package dev.echo.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The socket's output with a record of progress: a write is handed to the socket in pieces of at
 * most {@value #PIECE_BYTES} bytes, and the time each piece began is published, so the server's
 * {@link IdleSweeper} can tell a client that reads slowly (pieces keep completing) from one that
 * stopped reading (one piece blocked for the whole idle timeout) and close the latter.
 */
final class WriteProgressOutputStream extends OutputStream {
    /** Small enough that a client reading at a few KiB per second still shows progress every second. */
    static final int PIECE_BYTES = 64 * 1024;
    private static final long NOT_WRITING = Long.MIN_VALUE;

    private final OutputStream out;
    /** When the piece being written began, or NOT_WRITING. */
    private volatile long pieceStartedNanos = NOT_WRITING;

    WriteProgressOutputStream(OutputStream out) {
        this.out = out;
    }

    /** True if a piece has been blocked for more than {@code limitNanos} at {@code nowNanos}. */
    boolean stalledLongerThan(long nowNanos, long limitNanos) {
        long started = pieceStartedNanos;
        return started != NOT_WRITING && nowNanos - started > limitNanos;
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
                pieceStartedNanos = System.nanoTime();
                out.write(b, off, piece);
                off += piece;
                len -= piece;
            }
        } finally {
            pieceStartedNanos = NOT_WRITING;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
