package dev.echo.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter input stream defined by its bulk read alone: the single-byte {@link #read()} is a bulk
 * read of one byte, so that what a subclass does on each read (pace it, hold it to a deadline,
 * count it) holds for every read. {@link FilterInputStream}'s own {@code read()} would go around it.
 */
public abstract class BulkReadInputStream extends FilterInputStream {
    protected BulkReadInputStream(InputStream in) {
        super(in);
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
