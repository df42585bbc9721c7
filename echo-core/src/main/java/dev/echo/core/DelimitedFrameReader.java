package dev.echo.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads varint32 length-delimited frames, as written by protobuf's {@code writeDelimitedTo}.
 *
 * <pre>
 * before decoding (1 + 17 = 18 bytes)              after decoding (17 bytes)
 * +--------+------------------------------+      +------------------------------+
 * | 0x11   | 0A 0F 0A 0D 48 65 6C 6C .. 21 | ---> | 0A 0F 0A 0D 48 65 6C 6C .. 21 |
 * | length | ClientMessage                |      | ClientMessage                |
 * +--------+------------------------------+      +------------------------------+
 * </pre>
 *
 * The example is {@code Messages.echo("Hello, World!")}: field 1 (0A) of 15 bytes (0F) holding
 * field 1 (0A) of 13 bytes (0D), the text; 17 bytes in all, so the prefix is 0x11.
 *
 * <p>The length is a varint of 1 to 5 bytes, at most 2^31-1 and at most the reader's maximum. A zero
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
