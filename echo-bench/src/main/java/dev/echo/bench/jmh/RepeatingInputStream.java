package dev.echo.bench.jmh;

import java.io.InputStream;

/** An endless stream of the same bytes, so a decoding benchmark never runs dry or reallocates. */
final class RepeatingInputStream extends InputStream {
    private final byte[] bytes;
    private int position;

    RepeatingInputStream(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("nothing to repeat: 0 bytes");
        }
        this.bytes = bytes;
    }

    @Override
    public int read() {
        int b = bytes[position] & 0xff;
        position = (position + 1) % bytes.length;
        return b;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        int copied = 0;
        while (copied < length) {
            int n = Math.min(length - copied, bytes.length - position);
            System.arraycopy(bytes, position, into, offset + copied, n);
            copied += n;
            position = (position + n) % bytes.length;
        }
        return copied;
    }
}
