package dev.echo.core;

import static dev.echo.core.Frames.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.proto.ClientMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * A declared length is a promise: the buffer grows only with the bytes that arrive, and growth past
 * 8 KiB comes out of a budget shared by many readers.
 */
class PromiseAndBudgetTest {
    private static final int FOUR_MIB = 4 * 1024 * 1024;

    @Test
    void prefixPromisingFourMebibytesAllocatesNothingOfThatSize() {
        for (Framing framing : Framing.values()) {
            // ff ff ff 01 = 4 MiB - 1; raw framing needs a field tag (0x0a) first.
            byte[] promise = framing == Framing.DELIMITED ? Frames.bytes(0xff, 0xff, 0xff, 0x01, 0x0a)
                    : Frames.bytes(0x0a, 0xff, 0xff, 0xff, 0x01, 0x0a);
            BufferedFrameReader reader = (BufferedFrameReader) framing.newReader(
                    new ByteArrayInputStream(promise), FOUR_MIB + 16);
            assertThrows(TruncatedFrameException.class, reader::nextFrame, framing + ": stream ends inside the body");
            assertTrue(reader.bufferCapacity() <= BufferedFrameReader.DEFAULT_BUFFER_SIZE,
                    framing + ": expected no buffer beyond 8 KiB for a 5-byte promise, got " + reader.bufferCapacity());
        }
    }

    @Test
    void largeFrameGrowsByDoublingWithArrivedBytesAndIsReadWhole() throws IOException {
        ClientMessage big = echo("y".repeat(3 * 1024 * 1024));
        byte[] frame = Framing.DELIMITED.encode(big);
        // 64 KiB per read: the buffer must never be more than twice what has arrived.
        ObservedStream in = new ObservedStream(frame, 64 * 1024);
        BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(in, FOUR_MIB);
        in.reader = reader;
        assertEquals(big, reader.read(ClientMessage.parser()), "the frame, whole");
        assertTrue(in.worstRatio <= 2.0, "buffer grew ahead of the bytes: worst capacity/arrived " + in.worstRatio);
    }

    @Test
    void budgetRefusesTheFrameThatWouldCrossItAndIsGivenBack() throws IOException {
        BufferBudget budget = BufferBudget.of(1024 * 1024);
        byte[] frame = Framing.DELIMITED.encode(echo("z".repeat(900 * 1024)));
        FrameReader first = Framing.DELIMITED.newReader(new ByteArrayInputStream(frame), FOUR_MIB, budget);
        FrameReader second = Framing.DELIMITED.newReader(new ByteArrayInputStream(frame), FOUR_MIB, budget);
        assertEquals(frame.length - 3, first.nextFrame(), "the first frame fits the budget");
        BufferBudgetExceededException e = assertThrows(BufferBudgetExceededException.class, second::nextFrame,
                "the second would cross the budget while the first holds its buffer");
        assertTrue(e.getMessage().contains("buffer budget of 1048576 bytes"), e.getMessage());
        assertTrue(budget.used() <= budget.limit(), "never over the limit: " + budget);
        first.release();
        second.release();
        assertEquals(0, budget.used(), "released readers give everything back");
        FrameReader third = Framing.DELIMITED.newReader(new ByteArrayInputStream(frame), FOUR_MIB, budget);
        assertEquals(frame.length - 3, third.nextFrame(), "the budget is free again");
        assertEquals(-1, third.nextFrame(), "clean end");
        assertEquals(BufferedFrameReader.DEFAULT_BUFFER_SIZE - BufferBudget.OWN_BYTES, budget.used(),
                "a buffer shrunk back to 8 KiB after its frame keeps only that share");
        third.release();
        assertEquals(0, budget.used(), "released");
    }

    @Test
    void busyConnectionsBuffersGrowTo8KiBOnlyWhileTheBudgetIsLessThanHalfUsed() throws IOException {
        BufferBudget budget = BufferBudget.of(64 * 1024);
        byte[] pipelined = Frames.repeat(Framing.DELIMITED.encode(echo("p".repeat(100))), 100);
        int grown = 0;
        for (int i = 0; i < 10; i++) {
            BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(
                    new ByteArrayInputStream(pipelined), FOUR_MIB, budget);
            for (int frame = 0; frame < 100; frame++) {
                assertEquals(104, reader.nextFrame(), "reader " + i + ", frame " + frame);
            }
            if (reader.bufferCapacity() == BufferedFrameReader.DEFAULT_BUFFER_SIZE) {
                grown++;
            }
        }
        // 7.5 KiB each from a budget of 64 KiB, of which such growth may take half: 4 readers.
        assertEquals(4, grown, "readers grown to 8 KiB; budget " + budget);
        assertTrue(budget.used() <= budget.limit() / 2, "growth that only saves time stays in half the budget: " + budget);
    }

    @Test
    void maximumFrameLengthBeyondAnArrayIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Framing.DELIMITED.newReader(new ByteArrayInputStream(new byte[0]), Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("2147483647"), e.getMessage());
    }

    @Test
    void largestAllowedMaximumWithHugeClaimStillAllocatesOnlyWhatArrived() {
        // 2^31 - 65 declared: header plus body overflows nothing and allocates nothing of that size.
        byte[] claim = Frames.bytes(0xbf, 0xff, 0xff, 0xff, 0x07, 1, 2, 3);
        BufferedFrameReader reader = (BufferedFrameReader) Framing.DELIMITED.newReader(
                new ByteArrayInputStream(claim), FrameReader.MAX_FRAME_LENGTH_LIMIT);
        assertThrows(TruncatedFrameException.class, reader::nextFrame);
        assertTrue(reader.bufferCapacity() <= BufferedFrameReader.DEFAULT_BUFFER_SIZE, "capacity " + reader.bufferCapacity());
    }

    /** Hands out {@code chunk} bytes per read and records how far the reader's buffer ran ahead of them. */
    private static final class ObservedStream extends InputStream {
        private final ChunkedInputStream in;
        BufferedFrameReader reader;
        long arrived;
        double worstRatio;

        ObservedStream(byte[] data, int chunk) {
            in = new ChunkedInputStream(data, chunk);
        }

        @Override
        public int read() throws IOException {
            throw new UnsupportedOperationException("readers read in bulk");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (reader != null && arrived > BufferedFrameReader.DEFAULT_BUFFER_SIZE) {
                worstRatio = Math.max(worstRatio, reader.bufferCapacity() / (double) arrived);
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                arrived += n;
            }
            return n;
        }
    }
}
