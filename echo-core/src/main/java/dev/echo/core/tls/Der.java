package dev.echo.core.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough DER to rewrap a private key: read one tag-length-value at a time (single-byte tags,
 * definite lengths, every length checked against what is left), and write one. Anything else is a
 * {@link MaterialProblem}: the input is a file that may be half-written or not DER at all.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** [0], constructed: SEC1's curve parameters. */
    static final int CONTEXT_0 = 0xa0;

    private Der() {}

    /** One element: its tag and where its value lies in {@code bytes}. */
    record Tlv(byte[] bytes, int tag, int start, int valueStart, int end) {
        byte[] value() {
            return Arrays.copyOfRange(bytes, valueStart, end);
        }

        /** The elements inside this constructed one. */
        Reader contents() {
            return new Reader(bytes, valueStart, end);
        }

        /** The whole element, tag and length included. */
        byte[] encoded() {
            return Arrays.copyOfRange(bytes, start, end);
        }
    }

    /** Reads consecutive elements between two offsets. */
    static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int position;

        Reader(byte[] bytes) {
            this(bytes, 0, bytes.length);
        }

        Reader(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.position = start;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        /** The next element, whatever its tag. */
        Tlv next() throws MaterialProblem {
            if (position >= end) {
                throw new MaterialProblem("not valid DER (ends early)");
            }
            int start = position;
            int tag = bytes[position++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new MaterialProblem("not valid DER (multi-byte tag)");
            }
            if (position >= end) {
                throw new MaterialProblem("not valid DER (ends early)");
            }
            int first = bytes[position++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7f;
                if (count == 0 || count > 4) {
                    throw new MaterialProblem("not valid DER (length of " + count + " bytes)");
                }
                if (end - position < count) {
                    throw new MaterialProblem("not valid DER (ends early)");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (bytes[position++] & 0xff);
                }
            }
            if (length > end - position) {
                throw new MaterialProblem("not valid DER (ends early)");
            }
            int valueStart = position;
            position += (int) length;
            return new Tlv(bytes, tag, start, valueStart, position);
        }

        /** The next element, which must carry {@code tag}; {@code what} names it in the message. */
        Tlv next(int tag, String what) throws MaterialProblem {
            Tlv tlv = next();
            if (tlv.tag() != tag) {
                throw new MaterialProblem("not valid DER (" + what + " expected)");
            }
            return tlv;
        }
    }

    /** One element with {@code tag} around the concatenated {@code parts}. */
    static byte[] encode(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | count);
            for (int i = count - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A dotted object identifier, for messages and lookups. */
    static String oid(Tlv tlv) throws MaterialProblem {
        if (tlv.tag() != OID || tlv.end() == tlv.valueStart()) {
            throw new MaterialProblem("not valid DER (object identifier expected)");
        }
        StringBuilder dotted = new StringBuilder();
        long arc = 0;
        boolean first = true;
        for (int i = tlv.valueStart(); i < tlv.end(); i++) {
            int b = tlv.bytes()[i] & 0xff;
            if (arc > (Long.MAX_VALUE >>> 7)) {
                throw new MaterialProblem("not valid DER (object identifier too long)");
            }
            arc = (arc << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    int top = (int) Math.min(arc / 40, 2);
                    dotted.append(top).append('.').append(arc - 40L * top);
                    first = false;
                } else {
                    dotted.append('.').append(arc);
                }
                arc = 0;
            }
        }
        if ((tlv.bytes()[tlv.end() - 1] & 0x80) != 0) {
            throw new MaterialProblem("not valid DER (object identifier ends early)");
        }
        return dotted.toString();
    }
}
