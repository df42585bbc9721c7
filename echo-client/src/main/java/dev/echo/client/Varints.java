package dev.echo.client;

/**
 * Protobuf's base-128 varints for int32 values, as {@link RequestEncoder} and {@link AnswerDecoder}
 * need them: a negative int32 is sign-extended to 64 bits, ten bytes.
 */
final class Varints {
    private Varints() {}

    /** Bytes {@code value} takes as an int32 varint. */
    static int size(int value) {
        if (value < 0) {
            return 10;
        }
        int size = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes {@code value} at {@code p}; returns the position after it. */
    static int write(byte[] to, int p, int value) {
        long v = value; // sign-extended, as protobuf writes an int32
        while ((v & ~0x7FL) != 0) {
            to[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        to[p++] = (byte) v;
        return p;
    }
}
