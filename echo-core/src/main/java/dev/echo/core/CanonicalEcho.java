package dev.echo.core;

/**
 * Recognises an echo request whose answer is its own bytes, so a server can copy the frame instead
 * of parsing it and building the answer.
 *
 * <p>{@code echo_message} is field 1 of both {@code ClientMessage} and {@code ServerMessage}, so
 * the answer to {@code ClientMessage{echo_message{content}}} serializes to exactly the request's
 * bytes whenever the request is in the form protobuf itself writes:
 *
 * <pre>
 * 0A L1 [0A L2 content]     L1 = 1 + size(L2) + L2, L2 &gt; 0, content valid UTF-8
 * 0A 00                     an echo of the empty text
 * </pre>
 *
 * with each length a minimal varint and nothing else in the frame. Anything else (unknown fields,
 * a repeated field, a non-minimal varint, an explicit empty string, invalid UTF-8) is not
 * recognised, and goes through the parser, which answers it as before. The UTF-8 check is the one
 * proto3 requires of a string: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
public final class CanonicalEcho {
    private static final byte FIELD_1_LENGTH_DELIMITED = 0x0A;

    private CanonicalEcho() {}

    /** True if {@code length} bytes at {@code offset} are an echo request that is its own answer. */
    public static boolean isOwnAnswer(byte[] frame, int offset, int length) {
        int end = offset + length;
        if (length < 2 || frame[offset] != FIELD_1_LENGTH_DELIMITED) {
            return false;
        }
        long outer = minimalVarint(frame, offset + 1, end);
        if (outer < 0) {
            return false;
        }
        int inner = offset + 1 + varintSize(outer);
        if (inner + outer != end) {
            return false;
        }
        if (outer == 0) {
            return true; // 0A 00: the echo of ""
        }
        if (frame[inner] != FIELD_1_LENGTH_DELIMITED) {
            return false;
        }
        long text = minimalVarint(frame, inner + 1, end);
        int textStart = inner + 1 + varintSize(text);
        return text > 0 && textStart + text == end && isValidUtf8(frame, textStart, end);
    }

    /** The minimally encoded varint32 at {@code at}, or -1 if there is none before {@code end}. */
    private static long minimalVarint(byte[] bytes, int at, int end) {
        long value = 0;
        for (int i = 0; i < 5 && at + i < end; i++) {
            int b = bytes[at + i];
            value |= (long) (b & 0x7f) << (7 * i);
            if (b >= 0) { // last byte of the varint
                boolean minimal = i == 0 || b != 0;
                return minimal && value <= Integer.MAX_VALUE ? value : -1;
            }
        }
        return -1;
    }

    private static int varintSize(long value) {
        int size = 1;
        while (value >= 0x80) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Well-formed UTF-8 as in the Unicode standard's table 3-7. */
    static boolean isValidUtf8(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int lead = b & 0xff;
            if (lead < 0xC2 || lead > 0xF4) {
                return false; // a continuation byte, an overlong two-byte lead, or beyond U+10FFFF
            }
            int extra = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
            if (i + extra >= to) {
                return false; // cut off by the end
            }
            int second = bytes[i + 1] & 0xff;
            int low = 0x80;
            int high = 0xBF;
            if (lead == 0xE0) {
                low = 0xA0; // overlong
            } else if (lead == 0xED) {
                high = 0x9F; // surrogates
            } else if (lead == 0xF0) {
                low = 0x90; // overlong
            } else if (lead == 0xF4) {
                high = 0x8F; // beyond U+10FFFF
            }
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k <= extra; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += extra + 1;
        }
        return true;
    }
}
