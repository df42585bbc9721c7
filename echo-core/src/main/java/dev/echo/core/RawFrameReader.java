package dev.echo.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the original Rust server's unprefixed messages. Every message of the contract is exactly
 * one top-level length-delimited field, so its end can be found from its own header:
 *
 * <pre>
 * +-----------+-----------+-----------------+
 * | tag       | length    | payload         |   the whole field is the frame:
 * | varint32  | varint32  | length bytes    |   ClientMessage / ServerMessage
 * | wire type 2 (LEN)     |                 |
 * +-----------+-----------+-----------------+
 * </pre>
 *
 * Split and coalesced messages are found at their real boundaries, not at {@code read()} calls.
 * An empty message has no bytes in this framing and cannot be sent.
 */
final class RawFrameReader extends BufferedFrameReader {
    private static final int WIRETYPE_LENGTH_DELIMITED = 2;

    RawFrameReader(InputStream in, int maxFrameLength, BufferBudget budget) {
        super(in, maxFrameLength, budget);
    }

    @Override
    void readFrame() throws IOException {
        int tag = Varint32.read(this, "field tag");
        if ((tag & 0x7) != WIRETYPE_LENGTH_DELIMITED || (tag >>> 3) == 0) {
            throw new MalformedFrameException(String.format(
                    "raw frame must start with the tag of a length-delimited field, got 0x%x", tag));
        }
        int payload = Varint32.read(this, "field length");
        if (payload < 0) {
            throw new TruncatedFrameException("field length", 0, -1);
        }
        long frame = (long) headerLength() + payload;
        if (frame > maxFrameLength()) {
            throw new FrameTooLargeException(frame, maxFrameLength());
        }
        consumeBody(payload, 0, (int) frame);
    }
}
