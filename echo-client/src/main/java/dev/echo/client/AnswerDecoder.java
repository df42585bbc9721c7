package dev.echo.client;

import dev.echo.core.FrameReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads the common answers straight from a frame's bytes, without protobuf's builders: an echo of
 * ASCII text and a sum, in their canonical bytes (what echo-server and protobuf write; see {@link
 * RequestEncoder} for the layout, field 1 for an echo, 2 for a sum). Anything else, an error answer,
 * unknown fields, another encoding of the same message, is left to protobuf, which also judges what
 * is invalid. Not thread-safe: one per connection's reader.
 */
final class AnswerDecoder implements FrameReader.FrameTest {
    /** What the next {@link #test} accepts: {@link AnswerKind#ECHO} or {@link AnswerKind#ADD}. */
    private AnswerKind<?> expected;
    private Object value;

    /** True if the current frame of {@code reader} is a canonical answer of {@code kind}; then {@link #value()}. */
    boolean decode(FrameReader reader, AnswerKind<?> kind) {
        expected = kind;
        value = null;
        return reader.testFrame(this);
    }

    /** The text or the sum the last successful {@link #decode} read. */
    Object value() {
        return value;
    }

    @Override
    public boolean test(byte[] bytes, int offset, int length) {
        int end = offset + length;
        if (length < 2 || bytes[offset] != (expected == AnswerKind.ECHO ? 0x0A : 0x12)) {
            return false;
        }
        long inner = readVarint(bytes, offset + 1, end);
        int p = position;
        if (inner < 0 || p + inner != end) {
            return false;
        }
        return expected == AnswerKind.ECHO ? echo(bytes, p, end) : sum(bytes, p, end);
    }

    private boolean echo(byte[] bytes, int p, int end) {
        if (p == end) {
            value = "";
            return true;
        }
        if (bytes[p] != 0x0A) {
            return false;
        }
        long n = readVarint(bytes, p + 1, end);
        p = position;
        if (n <= 0 || p + n != end) {
            return false; // a zero length would not be written by protobuf: not canonical
        }
        for (int i = p; i < end; i++) {
            if (bytes[i] < 0) {
                return false; // not ASCII: protobuf checks the UTF-8
            }
        }
        value = new String(bytes, p, end - p, StandardCharsets.ISO_8859_1);
        return true;
    }

    private boolean sum(byte[] bytes, int p, int end) {
        if (p == end) {
            value = 0;
            return true;
        }
        if (bytes[p] != 0x08) {
            return false;
        }
        long v = readVarint(bytes, p + 1, end);
        if (position != end || v == Long.MIN_VALUE || (int) v == 0 || (long) (int) v != v) {
            return false;
        }
        value = (int) v;
        return true;
    }

    /** Where the last {@link #readVarint} ended. */
    private int position;

    /**
     * A varint at {@code p}, at most ten bytes, before {@code end}; Long.MIN_VALUE if there is none.
     * Sets {@link #position} after it.
     */
    private long readVarint(byte[] bytes, int p, int end) {
        long result = 0;
        for (int shift = 0; shift < 70 && p < end; shift += 7) {
            byte b = bytes[p++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                position = p;
                return result;
            }
        }
        return Long.MIN_VALUE;
    }
}
