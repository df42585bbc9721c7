package dev.echo.core;

import com.google.protobuf.MessageLite;
import java.io.Flushable;
import java.io.IOException;

/**
 * Writes messages as frames to a blocking stream through a buffer it reuses. Made by {@link
 * Framing#newWriter}. Nothing reaches the stream before {@link #flush()} or a full buffer; a frame
 * is never written in part unless the stream itself fails. Not thread-safe.
 */
public interface FrameWriter extends Flushable {

    /** Buffers one message as one frame. */
    void write(MessageLite message) throws IOException;

    /** Buffers {@code length} bytes at {@code offset}, one message already serialized, as one frame. */
    void writeSerialized(byte[] message, int offset, int length) throws IOException;

    /** Sends everything buffered so far. */
    @Override
    void flush() throws IOException;

    /** Total bytes handed to the underlying stream so far, prefixes included. */
    long bytesWritten();

    /** Gives back what the buffer holds of the shared budget; call once when the stream is done with. */
    void release();
}
