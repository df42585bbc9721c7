package dev.echo.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a whole input at once, written straight from the framings' rules with no buffering, so
 * that a reader fed the same bytes in pieces can be checked against it.
 */
final class ReferenceDecoder {

    /**
     * What an input decodes to: its frames in order, as {@code parseFrame} sees them, then either a
     * clean end ({@code error} null) or the failure the reader must throw after the last of them.
     */
    record Decoded(List<byte[]> frames, Class<? extends FrameException> error) {}

    private final Framing framing;
    private final byte[] in;
    private final int maxFrameLength;
    private int at;

    private ReferenceDecoder(Framing framing, byte[] in, int maxFrameLength) {
        this.framing = framing;
        this.in = in;
        this.maxFrameLength = maxFrameLength;
    }

    static Decoded decode(Framing framing, byte[] in, int maxFrameLength) {
        return new ReferenceDecoder(framing, in, maxFrameLength).decodeAll();
    }

    private Decoded decodeAll() {
        List<byte[]> frames = new ArrayList<>();
        try {
            while (at < in.length) {
                frames.add(framing == Framing.DELIMITED ? delimitedFrame() : rawFrame());
            }
            return new Decoded(frames, null);
        } catch (Stop stop) {
            return new Decoded(frames, stop.error);
        }
    }

    /** Length prefix, then that many bytes; the frame is the bytes after the prefix. */
    private byte[] delimitedFrame() {
        long length = varint32();
        if (length > maxFrameLength) {
            throw new Stop(FrameTooLargeException.class);
        }
        return take(at, length);
    }

    /** Tag of a length-delimited field, its length, its payload; the frame is the whole field. */
    private byte[] rawFrame() {
        int start = at;
        long tag = varint32();
        if ((tag & 0x7) != 2 || (tag >>> 3) == 0) {
            throw new Stop(MalformedFrameException.class);
        }
        long payload = varint32();
        if (at - start + payload > maxFrameLength) {
            throw new Stop(FrameTooLargeException.class);
        }
        return take(start, payload);
    }

    /** Up to 5 bytes, 7 bits each, low bits first; the value must fit in 31 bits. */
    private long varint32() {
        long value = 0;
        for (int i = 0; i < 5; i++) {
            if (at == in.length) {
                throw new Stop(TruncatedFrameException.class);
            }
            int b = in[at++] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if (b < 0x80) {
                if (value > Integer.MAX_VALUE) {
                    throw new Stop(MalformedFrameException.class);
                }
                return value;
            }
        }
        throw new Stop(MalformedFrameException.class); // a sixth byte is announced
    }

    /** The bytes from {@code start} to {@code length} bytes past the current position, consumed. */
    private byte[] take(int start, long length) {
        if (in.length - at < length) {
            throw new Stop(TruncatedFrameException.class);
        }
        at += (int) length;
        return Arrays.copyOfRange(in, start, at);
    }

    /** Ends decoding at the first failure; only the failure's class matters to the comparison. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Class<? extends FrameException> error;

        Stop(Class<? extends FrameException> error) {
            super(null, null, false, false);
            this.error = error;
        }
    }
}
