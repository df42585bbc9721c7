package dev.echo.core;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes each message, with a varint32 length prefix or without one, into a {@link
 * CodedOutputStream} that buffers in front of the stream, so a run of small answers leaves in one
 * write.
 */
final class CodedFrameWriter implements FrameWriter {
    static final int BUFFER_SIZE = 8 * 1024;

    private final CountingOutputStream out;
    private final CodedOutputStream coded;
    private final boolean lengthPrefix;

    CodedFrameWriter(OutputStream out, boolean lengthPrefix) {
        this.out = new CountingOutputStream(Objects.requireNonNull(out, "out"));
        this.coded = CodedOutputStream.newInstance(this.out, BUFFER_SIZE);
        this.lengthPrefix = lengthPrefix;
    }

    @Override
    public void write(MessageLite message) throws IOException {
        if (lengthPrefix) {
            coded.writeUInt32NoTag(message.getSerializedSize());
        }
        message.writeTo(coded);
    }

    @Override
    public void flush() throws IOException {
        coded.flush();
        out.flush();
    }

    @Override
    public long bytesWritten() {
        return out.count;
    }

    /** Counts what passes; CodedOutputStream hands over whole buffers, so this is off the per-byte path. */
    private static final class CountingOutputStream extends OutputStream {
        private final OutputStream delegate;
        long count;

        CountingOutputStream(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
