package dev.echo.bench.jmh;

import java.io.OutputStream;

/** Counts and drops what is written: an encoding benchmark's sink that costs nothing. */
final class CountingOutputStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
        count++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        count += length;
    }
}
