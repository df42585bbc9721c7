package dev.echo.core;

import java.io.IOException;

/** Reads the unsigned varint32 that both framings use in their headers. */
final class Varint32 {
    /** A varint32 never needs more than 5 bytes. */
    static final int MAX_BYTES = 5;

    private Varint32() {}

    /**
     * Reads a varint of 1 to 5 bytes whose value is at most 2^31-1.
     *
     * @param what names the field in error messages ("length prefix", "field tag")
     * @return the value, or -1 if the stream ended before its first byte
     */
    static int read(BufferedFrameReader reader, String what) throws IOException {
        int b = reader.readByte();
        if (b < 0) {
            return -1;
        }
        long value = b & 0x7f;
        int count = 1;
        while ((b & 0x80) != 0) {
            if (count == MAX_BYTES) {
                throw new MalformedFrameException(what + " is longer than " + MAX_BYTES + " varint bytes");
            }
            b = reader.readByte();
            if (b < 0) {
                throw new TruncatedFrameException(what, count, -1);
            }
            value |= (long) (b & 0x7f) << (7 * count);
            count++;
        }
        if (value > Integer.MAX_VALUE) {
            throw new MalformedFrameException(what + " " + value + " is over 2^31-1");
        }
        return (int) value;
    }
}
