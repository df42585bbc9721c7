package dev.echo.testkit;

import dev.echo.core.BulkReadInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An input stream read no faster than a given rate, as a client on a slow link or a slow consumer
 * reads: each read takes at most a small slice, and waits first until the bytes read so far are
 * within the rate since the first read. The waits are pacing, not synchronization.
 */
public final class PacedInputStream extends BulkReadInputStream {
    /** The largest slice one read takes: small enough that the pace is even, not bursty. */
    private static final int SLICE = 16 * 1024;

    private final long bytesPerSecond;
    private long startNanos;
    private long bytesRead;

    /** @throws IllegalArgumentException if {@code bytesPerSecond} is not positive */
    public PacedInputStream(InputStream in, long bytesPerSecond) {
        super(in);
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long now = System.nanoTime();
        if (bytesRead == 0) {
            startNanos = now;
        }
        long due = startNanos + TimeUnit.SECONDS.toNanos(1) * bytesRead / bytesPerSecond;
        while (due - now > 0) {
            LockSupport.parkNanos(due - now);
            now = System.nanoTime();
        }
        int n = in.read(b, off, Math.min(len, SLICE));
        if (n > 0) {
            bytesRead += n;
        }
        return n;
    }
}
