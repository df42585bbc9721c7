package dev.echo.core;

import java.io.InputStream;
import java.util.Arrays;

/**
 * Hands out its bytes in chunks of the given sizes, one chunk per {@code read} at most, the last size
 * repeating; counts the reads, so tests can see both how input was split and how often the reader asked.
 */
final class ChunkedInputStream extends InputStream {
    private final byte[] data;
    private final int[] chunks;
    private int pos;
    private int chunk;
    private int reads;

    ChunkedInputStream(byte[] data, int... chunks) {
        this.data = data;
        this.chunks = chunks.length == 0 ? new int[] {Integer.MAX_VALUE} : chunks;
        for (int c : this.chunks) {
            if (c <= 0) {
                throw new IllegalArgumentException("chunk sizes must be positive: " + Arrays.toString(chunks));
            }
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        reads++;
        if (pos == data.length) {
            return -1;
        }
        int size = chunks[Math.min(chunk, chunks.length - 1)];
        chunk++;
        int n = Math.min(Math.min(size, len), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Bytes handed out so far. */
    int position() {
        return pos;
    }

    /** Calls to read so far, including the one that saw end of stream. */
    int reads() {
        return reads;
    }
}
