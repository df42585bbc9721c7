package dev.echo.core;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes each message, with a varint32 length prefix or without one, into a {@link
 * CodedOutputStream} that buffers in front of the stream, so a run of small answers leaves in one
 * write.
 *
 * <p>The buffer starts small ({@value #INITIAL_BUFFER_SIZE} bytes), because most connections get
 * one small answer at a time and a server holds thousands of them (an answer larger than the room
 * left goes to the stream from the message itself, after what was buffered). Once the messages written between
 * two flushes no longer fit it, the next flush replaces it with one of {@value #BUFFER_SIZE} bytes,
 * if the {@link BufferBudget} has room for that (the growth only saves system calls).
 */
final class CodedFrameWriter implements FrameWriter {
    /** Enough for the answer to a typical request; a larger answer passes the buffer (see write). */
    static final int INITIAL_BUFFER_SIZE = 128;
    static final int BUFFER_SIZE = 8 * 1024;

    private final CountingOutputStream out;
    private final boolean lengthPrefix;
    /** Holds what {@link #bufferSize} has beyond {@value #INITIAL_BUFFER_SIZE} bytes, always. */
    private final BufferBudget budget;
    private CodedOutputStream coded;
    private int bufferSize = INITIAL_BUFFER_SIZE;
    /** The small buffer overflowed since the last flush: grow it at the next flush, when it is empty. */
    private boolean growAtFlush;

    CodedFrameWriter(OutputStream out, boolean lengthPrefix, BufferBudget budget) {
        this.out = new CountingOutputStream(Objects.requireNonNull(out, "out"));
        this.coded = CodedOutputStream.newInstance(this.out, INITIAL_BUFFER_SIZE);
        this.lengthPrefix = lengthPrefix;
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public void write(MessageLite message) throws IOException {
        long before = out.count;
        if (lengthPrefix) {
            coded.writeUInt32NoTag(message.getSerializedSize());
        }
        message.writeTo(coded);
        noteOverflow(before);
    }

    @Override
    public void writeSerialized(byte[] message, int offset, int length) throws IOException {
        long before = out.count;
        if (lengthPrefix) {
            coded.writeUInt32NoTag(length);
        }
        coded.writeRawBytes(message, offset, length);
        noteOverflow(before);
    }

    /** Bytes left for the stream since {@code countBefore} before a flush: the small buffer overflowed. */
    private void noteOverflow(long countBefore) {
        if (out.count != countBefore && bufferSize < BUFFER_SIZE) {
            growAtFlush = true;
        }
    }

    @Override
    public void flush() throws IOException {
        coded.flush();
        out.flush();
        if (growAtFlush) {
            growAtFlush = false;
            if (budget.tryReserveOptional(BUFFER_SIZE - INITIAL_BUFFER_SIZE)) {
                bufferSize = BUFFER_SIZE;
                coded = CodedOutputStream.newInstance(out, BUFFER_SIZE);
            }
        }
    }

    @Override
    public void release() {
        budget.release(bufferSize - INITIAL_BUFFER_SIZE);
        bufferSize = INITIAL_BUFFER_SIZE;
    }

    /** The buffer's current size in bytes; for tests. */
    int bufferCapacity() {
        return bufferSize;
    }

    @Override
    public long bytesWritten() {
        return out.count;
    }

    /** Counts what passes; CodedOutputStream hands over whole buffers, so this is off the per-byte path. */
    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream delegate) {
            super(delegate);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
