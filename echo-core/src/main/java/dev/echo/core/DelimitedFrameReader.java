package dev.echo.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads varint32 length-delimited frames, as written by protobuf's {@code writeDelimitedTo}.
 *
 * <pre>
 * before decoding (5 + 13 bytes)           after decoding (13 bytes)
 * +----------+---------------------+      +---------------------+
 * | 0x0D     | 0A 0F 0A 0D 48 65 .. | ---> | 0A 0F 0A 0D 48 65 .. |
 * | length   | ClientMessage        |      | ClientMessage        |
 * +----------+---------------------+      +---------------------+
 * </pre>
 *
 * The length is a varint of 1 to 5 bytes, at most 2^31-1 and at most the reader's maximum. A zero
 * length is a valid, empty frame.
 */
final class DelimitedFrameReader extends BufferedFrameReader {

    DelimitedFrameReader(InputStream in, int maxFrameLength, BufferBudget budget) {
        super(in, maxFrameLength, budget);
    }

    @Override
    void readFrame() throws IOException {
        int length = Varint32.read(this, "length prefix");
        if (length > maxFrameLength()) {
            throw new FrameTooLargeException(length, maxFrameLength());
        }
        consumeBody(length, headerLength(), length);
    }
}
