package dev.echo.core;

import static dev.echo.core.Frames.bytes;
import static dev.echo.core.Frames.concat;
import static dev.echo.core.Frames.echo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.proto.ClientMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DelimitedFrameReaderTest {

    /** The class comment's diagram, byte for byte: if this fails, fix the diagram with the test. */
    @Test
    void helloWorldIsAnEighteenByteFrameWithPrefix0x11AsTheDiagramDraws() throws IOException {
        byte[] frame = Framing.DELIMITED.encode(Messages.echo("Hello, World!"));
        assertEquals(18, frame.length, "expected 1 prefix byte + 17 message bytes");
        assertArrayEquals(new byte[] {0x11, 0x0A, 0x0F, 0x0A, 0x0D, 0x48, 0x65, 0x6C, 0x6C}, Arrays.copyOf(frame, 9),
                "expected the diagram's first bytes");
        assertEquals(0x21, frame[17], "expected the last byte to be '!'");
        FrameReader reader = Framing.DELIMITED.newReader(new ByteArrayInputStream(frame));
        assertEquals(17, reader.nextFrame(), "expected a 17-byte frame after decoding");
    }

    private static FrameReader reader(byte[] data, int... chunks) {
        return Framing.DELIMITED.newReader(new ChunkedInputStream(data, chunks));
    }

    /** A frame whose length prefix is exactly {@code width} bytes (padded varint where the value is small). */
    private static byte[] frameWithPrefixWidth(int width, byte[] body) {
        byte[] prefix = new byte[width];
        int value = body.length;
        for (int i = 0; i < width; i++) {
            prefix[i] = (byte) ((value & 0x7f) | (i < width - 1 ? 0x80 : 0));
            value >>>= 7;
        }
        assertEquals(0, value, "body too long for a " + width + "-byte prefix");
        return concat(prefix, body);
    }

    @ParameterizedTest(name = "prefix of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void lengthPrefixSplitAtEveryPosition(int width) throws IOException {
        byte[] body = echo("Hello, World!").toByteArray();
        byte[] frame = frameWithPrefixWidth(width, body);
        for (int split = 1; split < frame.length; split++) {
            ChunkedInputStream in = new ChunkedInputStream(frame, split, frame.length - split);
            FrameReader reader = Framing.DELIMITED.newReader(in);
            assertEquals(body.length, reader.nextFrame(), "frame length with split at " + split);
            assertEquals(frame.length, in.position(), "reader returned before the whole frame arrived, split " + split);
            assertEquals(echo("Hello, World!"), reader.parseFrame(ClientMessage.parser()), "split at " + split);
            assertEquals(-1, reader.nextFrame(), "clean end after the frame, split at " + split);
        }
    }

    @Test
    void realFourBytePrefixForTwoMebibyteFrame() throws IOException {
        byte[] body = echo("x".repeat(2 * 1024 * 1024)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        echo("x".repeat(2 * 1024 * 1024)).writeDelimitedTo(out);
        assertEquals(body.length + 4, out.size(), "a 2 MiB message has a 4-byte prefix");
        FrameReader reader = reader(out.toByteArray(), 1, 2, 1, 65536);
        assertEquals(body.length, reader.nextFrame(), "frame length");
        assertArrayEquals(body, reader.parseFrame(ClientMessage.parser()).toByteArray(), "frame content");
    }

    @Test
    void pieceByPieceOneThenTwoThenTheRest() throws IOException {
        byte[] frame = Framing.DELIMITED.encode(echo("How are you?"));
        ChunkedInputStream in = new ChunkedInputStream(frame, 1, 2, frame.length);
        FrameReader reader = Framing.DELIMITED.newReader(in);
        assertEquals(frame.length - 1, reader.nextFrame(), "length of the one frame");
        assertEquals(3, in.reads(), "reads needed for 1 + 2 + rest");
        assertEquals(echo("How are you?"), reader.parseFrame(ClientMessage.parser()), "content");
    }

    @Test
    void thousandFramesInOneBuffer() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            all.writeBytes(Framing.DELIMITED.encode(echo("message " + i)));
        }
        ChunkedInputStream in = new ChunkedInputStream(all.toByteArray());
        FrameReader reader = Framing.DELIMITED.newReader(in);
        for (int i = 0; i < 1000; i++) {
            assertEquals(echo("message " + i), reader.read(ClientMessage.parser()), "frame " + i + " in order");
        }
        assertEquals(-1, reader.nextFrame(), "end after 1000 frames");
        // One more than the 8 KiB fills: the first read goes into the small initial buffer and grows it.
        int bufferFills = all.size() / BufferedFrameReader.DEFAULT_BUFFER_SIZE + 3;
        assertTrue(in.reads() <= bufferFills,
                "bulk reads, not one per frame or byte: expected at most " + bufferFills + ", was " + in.reads());
    }

    @Test
    void byteAtATime() throws IOException {
        byte[] data = concat(
                Framing.DELIMITED.encode(echo("Hello, World!")),
                Framing.DELIMITED.encode(Frames.add(10, 20)),
                Framing.DELIMITED.encode(ClientMessage.getDefaultInstance()));
        FrameReader reader = reader(data, 1);
        assertEquals(echo("Hello, World!"), reader.read(ClientMessage.parser()), "first frame");
        assertEquals(Frames.add(10, 20), reader.read(ClientMessage.parser()), "second frame");
        assertEquals(0, reader.nextFrame(), "third frame is empty");
        assertEquals(ClientMessage.getDefaultInstance(), reader.parseFrame(ClientMessage.parser()), "empty message");
        assertEquals(-1, reader.nextFrame(), "end");
        assertEquals(data.length, reader.bytesRead(), "bytes read");
    }

    @Test
    void maxLengthIsAcceptedAndOneMoreIsRejected() throws IOException {
        int max = 1024;
        byte[] atMax = concat(bytes(0x80, 0x08), new byte[max]);
        FrameReader ok = Framing.DELIMITED.newReader(new ByteArrayInputStream(atMax), max);
        assertEquals(max, ok.nextFrame(), "a frame of exactly the maximum");

        byte[] overMax = concat(bytes(0x81, 0x08), new byte[max + 1]);
        FrameReader tooLarge = Framing.DELIMITED.newReader(new ByteArrayInputStream(overMax), max);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, tooLarge::nextFrame, "max + 1");
        assertEquals(max + 1, e.declaredLength(), "declared length in the exception");
        assertEquals(max, e.maxFrameLength(), "limit in the exception");
        assertTrue(e.getMessage().contains("1025"), "message names the value: " + e.getMessage());
    }

    @Test
    void largestLegalVarintIsTooLargeWithoutWaitingForItsBody() {
        // 2^31-1 in 5 bytes and nothing after it: rejected on the prefix alone, nothing allocated.
        ChunkedInputStream in = new ChunkedInputStream(bytes(0xff, 0xff, 0xff, 0xff, 0x07));
        FrameReader reader = Framing.DELIMITED.newReader(in);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, reader::nextFrame, "2^31-1");
        assertEquals(Integer.MAX_VALUE, e.declaredLength(), "declared length");
    }

    @Test
    void fiveByteValueOverIntMaxIsMalformed() {
        FrameReader reader = reader(bytes(0xff, 0xff, 0xff, 0xff, 0x0f));
        MalformedFrameException e = assertThrows(MalformedFrameException.class, reader::nextFrame, "2^32-1");
        assertTrue(e.getMessage().contains("4294967295"), "message names the value: " + e.getMessage());
    }

    @Test
    void sixByteVarintIsMalformed() {
        FrameReader reader = reader(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01));
        MalformedFrameException e = assertThrows(MalformedFrameException.class, reader::nextFrame, "6-byte varint");
        assertTrue(e.getMessage().contains("5"), "message says the limit: " + e.getMessage());
    }

    @Test
    void endOfStreamAtBoundaryIsCleanAndRepeatable() throws IOException {
        FrameReader empty = reader(new byte[0]);
        assertEquals(-1, empty.nextFrame(), "empty stream");
        assertEquals(-1, empty.nextFrame(), "still at end");

        FrameReader one = reader(Framing.DELIMITED.encode(echo("a")));
        assertEquals(5, one.nextFrame(), "one frame: 0a 03 0a 01 61");
        assertEquals(-1, one.nextFrame(), "then the end");
    }

    @Test
    void endOfStreamInsideThePrefixIsTruncated() {
        FrameReader reader = reader(bytes(0x80));
        assertThrows(TruncatedFrameException.class, reader::nextFrame, "stream ends after 1 of 2 prefix bytes");
    }

    @Test
    void endOfStreamInsideTheBodyIsTruncated() {
        FrameReader reader = reader(bytes(0x05, 0x01, 0x02), 1);
        TruncatedFrameException e = assertThrows(TruncatedFrameException.class, reader::nextFrame, "2 of 5 body bytes");
        assertEquals(2, e.bytesReceived(), "bytes of the body that arrived");
        assertEquals(5, e.bytesExpected(), "bytes the body needed");
    }

    @Test
    void unparsableBodyLeavesTheReaderUsable() throws IOException {
        byte[] garbage = bytes(0x03, 0xff, 0xff, 0xff);
        byte[] badUtf8 = concat(bytes(0x06, 0x0a, 0x04, 0x0a, 0x02), bytes(0xc3, 0x28));
        byte[] good = Framing.DELIMITED.encode(echo("still here"));
        FrameReader reader = reader(concat(garbage, badUtf8, good));
        assertEquals(3, reader.nextFrame(), "garbage frame length");
        assertThrows(InvalidProtocolBufferException.class, () -> reader.parseFrame(ClientMessage.parser()), "garbage");
        assertEquals(6, reader.nextFrame(), "invalid UTF-8 frame length");
        assertThrows(InvalidProtocolBufferException.class, () -> reader.parseFrame(ClientMessage.parser()),
                "invalid UTF-8 in a proto3 string");
        assertEquals(echo("still here"), reader.read(ClientMessage.parser()), "the next frame is fine");
    }

    @Test
    void largeFrameThenSmallOnes() throws IOException {
        String big = "é".repeat(512 * 1024);
        byte[] data = concat(Framing.DELIMITED.encode(echo(big)), Framing.DELIMITED.encode(echo("small")));
        FrameReader reader = reader(data, 4096);
        assertEquals(big, reader.read(ClientMessage.parser()).getEchoMessage().getContent(), "1 MiB frame");
        assertEquals("small", reader.read(ClientMessage.parser()).getEchoMessage().getContent(), "frame after it");
        assertEquals(-1, reader.nextFrame(), "end");
    }

    @Test
    void matchesProtobufsOwnDelimitedFormat() throws IOException {
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        echo("interop").writeDelimitedTo(theirs);
        Frames.add(-1, 7).writeDelimitedTo(theirs);
        byte[] ours = concat(Framing.DELIMITED.encode(echo("interop")), Framing.DELIMITED.encode(Frames.add(-1, 7)));
        assertArrayEquals(theirs.toByteArray(), ours, "writer output equals writeDelimitedTo");
        ByteArrayInputStream back = new ByteArrayInputStream(ours);
        assertEquals(echo("interop"), ClientMessage.parseDelimitedFrom(back), "parseDelimitedFrom reads ours");
        assertEquals(Frames.add(-1, 7), ClientMessage.parseDelimitedFrom(back), "second message");
    }

    @Test
    void parseBeforeAnyFrameIsAnError() {
        FrameReader reader = reader(new byte[0]);
        assertThrows(IllegalStateException.class, () -> reader.parseFrame(ClientMessage.parser()), "no frame yet");
    }

    @Test
    void nonPositiveMaximumIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Framing.DELIMITED.newReader(new ByteArrayInputStream(new byte[0]), 0), "max 0");
        assertTrue(e.getMessage().contains(": 0"), "message names the value: " + e.getMessage());
        assertTrue(Arrays.asList(Framing.values()).contains(Framing.fromCliName("RAW")), "sanity");
    }
}
