package dev.echo.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;

/**
 * Reads frames from a blocking stream, one at a time, into a buffer it reuses. Made by {@link
 * Framing#newReader}. Not thread-safe: one reader belongs to one connection's reading thread.
 *
 * <p>Typical loop:
 *
 * <pre>{@code
 * while (reader.nextFrame() >= 0) {
 *     ClientMessage request = reader.parseFrame(ClientMessage.parser());
 *     ...
 * }
 * }</pre>
 */
public interface FrameReader {

    /** Default maximum frame length: 4 MiB, as in gRPC and Go's protodelim. */
    int DEFAULT_MAX_FRAME_LENGTH = 4 * 1024 * 1024;

    /** The largest maximum a reader accepts: a frame and its 5-byte header must fit one Java array. */
    int MAX_FRAME_LENGTH_LIMIT = Integer.MAX_VALUE - 64;

    /**
     * Reads the next whole frame.
     *
     * @return the frame's length in bytes (0 is a valid, empty frame), or -1 when the stream ended
     *     cleanly at a frame boundary
     * @throws FrameTooLargeException if the frame declares a length over the maximum; no buffer of
     *     that size is allocated
     * @throws MalformedFrameException if the frame header cannot be read
     * @throws TruncatedFrameException if the stream ends inside the frame
     * @throws BufferBudgetExceededException if the frame needs more buffer than the reader's shared
     *     budget has left
     * @throws IOException if the underlying stream fails
     */
    int nextFrame() throws IOException;

    /**
     * Parses the frame last returned by {@link #nextFrame()}, straight from the reader's buffer.
     *
     * @throws InvalidProtocolBufferException if the frame is not a valid message (including invalid
     *     UTF-8 in a proto3 string); the reader stays usable and the next frame can be read
     * @throws IllegalStateException if there is no current frame
     */
    <T> T parseFrame(Parser<T> parser) throws InvalidProtocolBufferException;

    /**
     * Applies {@code test} to the bytes of the frame last returned by {@link #nextFrame()}, in the
     * reader's buffer (the test must not keep or change them).
     *
     * @throws IllegalStateException if there is no current frame
     */
    boolean testFrame(FrameTest test);

    /**
     * Writes the frame last returned by {@link #nextFrame()}, as it is, as one frame of {@code
     * writer}: an answer that is the request's own bytes (see {@link CanonicalEcho}).
     *
     * @throws IllegalStateException if there is no current frame
     */
    void copyFrameTo(FrameWriter writer) throws IOException;

    /** A test of a frame's serialized bytes, read where they are. */
    @FunctionalInterface
    interface FrameTest {
        boolean test(byte[] bytes, int offset, int length);
    }

    /**
     * Reads and parses the next frame.
     *
     * @return the message, or null when the stream ended cleanly at a frame boundary
     */
    default <T> T read(Parser<T> parser) throws IOException {
        return nextFrame() < 0 ? null : parseFrame(parser);
    }

    /**
     * Bytes already taken from the stream but not yet returned as frames. A server can use it to
     * flush its answers only when no pipelined request is waiting.
     */
    int bufferedBytes();

    /** Total bytes taken from the underlying stream so far. */
    long bytesRead();

    /** The maximum frame length this reader accepts. */
    int maxFrameLength();

    /**
     * Gives the buffer back, and what it held of the shared budget; call once when the stream is
     * done with. The reader reads nothing more afterwards.
     */
    void release();
}
