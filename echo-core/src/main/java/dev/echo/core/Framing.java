package dev.echo.core;

import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** How messages are delimited on the wire. Chosen per server and per client. */
public enum Framing {
    /**
     * A varint32 length prefix of 1 to 5 bytes, then the message: protobuf's {@code
     * writeDelimitedTo}, Netty's ProtobufVarint32 codecs, prost's {@code encode_length_delimited},
     * Go's protodelim. The default.
     */
    DELIMITED,
    /**
     * The original Rust server's format: no prefix; each message is one top-level length-delimited
     * field, which is how its end is found. An empty message cannot be sent.
     */
    RAW;

    /**
     * A reader of this framing over {@code in}, rejecting frames over {@code maxFrameLength} bytes,
     * whose buffer growth past its first 512 bytes is taken from {@code budget}.
     *
     * @throws IllegalArgumentException if {@code maxFrameLength} is not from 1 to {@link
     *     FrameReader#MAX_FRAME_LENGTH_LIMIT}
     */
    public FrameReader newReader(InputStream in, int maxFrameLength, BufferBudget budget) {
        return switch (this) {
            case DELIMITED -> new DelimitedFrameReader(in, maxFrameLength, budget);
            case RAW -> new RawFrameReader(in, maxFrameLength, budget);
        };
    }

    /** A reader of this framing over {@code in}, rejecting frames over {@code maxFrameLength} bytes; no shared budget. */
    public FrameReader newReader(InputStream in, int maxFrameLength) {
        return newReader(in, maxFrameLength, BufferBudget.unlimited());
    }

    /** A reader with the default maximum frame length of 4 MiB. */
    public FrameReader newReader(InputStream in) {
        return newReader(in, FrameReader.DEFAULT_MAX_FRAME_LENGTH);
    }

    /** A buffered writer of this framing over {@code out}, whose buffer growth is taken from {@code budget}. */
    public FrameWriter newWriter(OutputStream out, BufferBudget budget) {
        return new CodedFrameWriter(out, this == DELIMITED, budget);
    }

    /** A buffered writer of this framing over {@code out}; no shared budget. */
    public FrameWriter newWriter(OutputStream out) {
        return newWriter(out, BufferBudget.unlimited());
    }

    /** One message as the bytes of one frame; for tests and tools, not the hot path. */
    public byte[] encode(MessageLite message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize() + 5);
        FrameWriter writer = newWriter(bytes);
        try {
            writer.write(message);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The lower-case name used on command lines: {@code delimited} or {@code raw}. */
    public String cliName() {
        return CliNames.of(this);
    }

    /**
     * Parses a command-line name, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static Framing fromCliName(String name) {
        return CliNames.parse(Framing.class, "framing", name);
    }
}
