package dev.echo.core;

import static dev.echo.core.Frames.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.proto.ClientMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Buffers start small and grow only for a connection that moves enough bytes at once: a read that
 * fills the reader's array with at least half its size, or answers between two flushes that overflow
 * the writer's.
 */
class BufferGrowthTest {

    @Test
    void readerStaysSmallForOneSmallFrameAtATime() throws IOException {
        byte[] frame = Framing.DELIMITED.encode(echo("one small request"));
        int frames = 200; // far more bytes in total than the small buffer holds
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            all.writeBytes(frame);
        }
        // One frame per read, as a client waiting for each answer sends them.
        BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(
                new ChunkedInputStream(all.toByteArray(), frame.length));
        for (int i = 0; i < frames; i++) {
            assertEquals(echo("one small request"), reader.read(ClientMessage.parser()), "frame " + i);
            assertEquals(BufferedFrameReader.INITIAL_BUFFER_SIZE, reader.bufferCapacity(),
                    "expected the reader's buffer to stay at its initial size after frame " + i);
        }
    }

    @Test
    void readerGrowsWhenAReadFillsItsBuffer() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            all.writeBytes(Framing.DELIMITED.encode(echo("pipelined " + i)));
        }
        BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(
                new ChunkedInputStream(all.toByteArray()));
        assertEquals(echo("pipelined 0"), reader.read(ClientMessage.parser()), "first frame");
        assertEquals(BufferedFrameReader.DEFAULT_BUFFER_SIZE, reader.bufferCapacity(),
                "expected the buffer grown to 8 KiB after a read that filled it");
        for (int i = 1; i < 500; i++) {
            assertEquals(echo("pipelined " + i), reader.read(ClientMessage.parser()), "frame " + i + " in order");
        }
        assertEquals(BufferedFrameReader.DEFAULT_BUFFER_SIZE, reader.bufferCapacity(),
                "expected a grown buffer to stay at 8 KiB");
    }

    @Test
    void readerDoesNotGrowForATrickle() throws IOException {
        byte[] frame = Framing.DELIMITED.encode(echo("x".repeat(2 * BufferedFrameReader.INITIAL_BUFFER_SIZE / 3)));
        // The frame is larger than half the buffer, but arrives a byte at a time.
        BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(new ChunkedInputStream(frame, 1));
        assertEquals(frame.length - 2, reader.nextFrame(), "the whole frame, byte by byte");
        assertEquals(BufferedFrameReader.INITIAL_BUFFER_SIZE, reader.bufferCapacity(),
                "expected no growth from reads of one byte");
    }

    @Test
    void readerShrinksBackToEightKibibytesAfterALargeFrame() throws IOException {
        byte[] big = Framing.DELIMITED.encode(echo("b".repeat(100_000)));
        byte[] small = Framing.DELIMITED.encode(echo("small"));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(big);
        all.writeBytes(small);
        BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(
                new ChunkedInputStream(all.toByteArray()));
        assertEquals(big.length - 3, reader.nextFrame(), "the large frame");
        assertEquals(big.length, reader.bufferCapacity(), "expected the buffer grown to hold the large frame");
        assertEquals(echo("small"), reader.read(ClientMessage.parser()), "the frame after it");
        assertEquals(BufferedFrameReader.DEFAULT_BUFFER_SIZE, reader.bufferCapacity(),
                "expected the buffer shrunk back to 8 KiB after the large frame");
    }

    @Test
    void writerStaysSmallForOneSmallAnswerPerFlush() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CodedFrameWriter writer = (CodedFrameWriter) Framing.DELIMITED.newWriter(sink);
        for (int i = 0; i < 200; i++) {
            writer.write(echo("answer " + i));
            writer.flush();
        }
        assertEquals(CodedFrameWriter.INITIAL_BUFFER_SIZE, writer.bufferCapacity(),
                "expected the writer's buffer to stay small with one small answer per flush");
        assertFramesInOrder(sink.toByteArray(), 200);
    }

    @Test
    void writerGrowsWhenAnswersBetweenFlushesOverflowItsBuffer() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CodedFrameWriter writer = (CodedFrameWriter) Framing.DELIMITED.newWriter(sink);
        for (int i = 0; i < 100; i++) {
            writer.write(echo("answer " + i)); // about 1.5 KiB before the flush
        }
        assertEquals(CodedFrameWriter.INITIAL_BUFFER_SIZE, writer.bufferCapacity(),
                "expected growth to wait for the flush, when the buffer is empty");
        writer.flush();
        assertEquals(CodedFrameWriter.BUFFER_SIZE, writer.bufferCapacity(),
                "expected the buffer grown to 8 KiB after answers overflowed it");
        for (int i = 100; i < 200; i++) {
            writer.write(echo("answer " + i));
        }
        writer.flush();
        assertEquals(sink.size(), writer.bytesWritten(), "expected every byte counted across the growth");
        assertFramesInOrder(sink.toByteArray(), 200);
    }

    private static void assertFramesInOrder(byte[] bytes, int count) throws IOException {
        FrameReader reader = Framing.DELIMITED.newReader(new ByteArrayInputStream(bytes));
        for (int i = 0; i < count; i++) {
            assertEquals(echo("answer " + i), reader.read(ClientMessage.parser()), "answer " + i + " in order");
        }
        assertEquals(-1, reader.nextFrame(), "expected nothing after answer " + (count - 1));
    }
}
