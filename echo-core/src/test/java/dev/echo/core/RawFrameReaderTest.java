package dev.echo.core;

import static dev.echo.core.Frames.add;
import static dev.echo.core.Frames.bytes;
import static dev.echo.core.Frames.concat;
import static dev.echo.core.Frames.echo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.proto.AddResponse;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RawFrameReaderTest {

    private static FrameReader reader(byte[] data, int... chunks) {
        return Framing.RAW.newReader(new ChunkedInputStream(data, chunks));
    }

    @Test
    void rawFrameIsTheMessageItself() {
        assertArrayEquals(echo("Hello, World!").toByteArray(), Framing.RAW.encode(echo("Hello, World!")),
                "raw framing adds no prefix");
    }

    @Test
    void headerSplitAtEveryPosition() throws IOException {
        // 300 bytes of content: a 1-byte tag and 2-byte lengths on both levels of nesting.
        ClientMessage message = echo("y".repeat(300));
        byte[] frame = message.toByteArray();
        for (int split = 1; split < 6; split++) {
            ChunkedInputStream in = new ChunkedInputStream(frame, split, frame.length - split);
            FrameReader reader = Framing.RAW.newReader(in);
            assertEquals(frame.length, reader.nextFrame(), "frame length with split at " + split);
            assertEquals(frame.length, in.position(), "returned before the whole frame arrived, split " + split);
            assertEquals(message, reader.parseFrame(ClientMessage.parser()), "content with split at " + split);
            assertEquals(-1, reader.nextFrame(), "end, split at " + split);
        }
    }

    @Test
    void multiByteTagIsFramedToo() throws IOException {
        // field 16, wire type 2: tag 0x82 0x01; an unknown field parses as a message with nothing set.
        byte[] frame = bytes(0x82, 0x01, 0x02, 0x68, 0x69);
        byte[] data = concat(frame, echo("next").toByteArray());
        for (int split = 1; split < frame.length; split++) {
            FrameReader reader = reader(data, split, data.length);
            assertEquals(5, reader.nextFrame(), "frame with a 2-byte tag, split " + split);
            assertEquals(ClientMessage.MessageCase.MESSAGE_NOT_SET,
                    reader.parseFrame(ClientMessage.parser()).getMessageCase(), "unknown field only");
            assertEquals(echo("next"), reader.read(ClientMessage.parser()), "the frame after it, split " + split);
        }
    }

    @Test
    void thousandCoalescedFrames() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            all.writeBytes((i % 2 == 0 ? echo("m" + i) : add(i, -i)).toByteArray());
        }
        ChunkedInputStream in = new ChunkedInputStream(all.toByteArray());
        FrameReader reader = Framing.RAW.newReader(in);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i % 2 == 0 ? echo("m" + i) : add(i, -i), reader.read(ClientMessage.parser()), "frame " + i);
        }
        assertEquals(-1, reader.nextFrame(), "end after 1000 frames");
        // One more than the 8 KiB fills: the first read goes into the small initial buffer and grows it.
        assertTrue(in.reads() <= all.size() / BufferedFrameReader.DEFAULT_BUFFER_SIZE + 3,
                "bulk reads expected, was " + in.reads() + " reads for " + all.size() + " bytes");
    }

    @Test
    void byteAtATime() throws IOException {
        ServerMessage sum = ServerMessage.newBuilder().setAddResponse(AddResponse.newBuilder().setResult(30)).build();
        ServerMessage zero = ServerMessage.newBuilder().setAddResponse(AddResponse.getDefaultInstance()).build();
        byte[] data = concat(sum.toByteArray(), zero.toByteArray());
        assertEquals(2, zero.toByteArray().length, "an add response of 0 is tag + zero length");
        FrameReader reader = reader(data, 1);
        assertEquals(sum, reader.read(ServerMessage.parser()), "first");
        assertEquals(zero, reader.read(ServerMessage.parser()), "second, with an empty payload");
        assertEquals(-1, reader.nextFrame(), "end");
    }

    @Test
    void maxLengthCountsTheWholeFieldAndOneMoreIsRejected() throws IOException {
        // tag (1) + length (2 bytes for 1021) + 1021 payload bytes = 1024.
        byte[] atMax = concat(bytes(0x0a, 0xfd, 0x07), new byte[1021]);
        assertEquals(1024, atMax.length, "test frame size");
        FrameReader ok = Framing.RAW.newReader(new ByteArrayInputStream(atMax), 1024);
        assertEquals(1024, ok.nextFrame(), "exactly the maximum");

        byte[] overMax = concat(bytes(0x0a, 0xfe, 0x07), new byte[1022]);
        FrameReader tooLarge = Framing.RAW.newReader(new ByteArrayInputStream(overMax), 1024);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, tooLarge::nextFrame, "max + 1");
        assertEquals(1025, e.declaredLength(), "declared frame length");
    }

    @Test
    void largestLegalLengthIsTooLargeAndSixByteOneMalformed() {
        FrameReader largest = reader(bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0x07));
        assertThrows(FrameTooLargeException.class, largest::nextFrame, "length 2^31-1");
        FrameReader sixBytes = reader(bytes(0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00));
        assertThrows(MalformedFrameException.class, sixBytes::nextFrame, "6-byte length varint");
        FrameReader sixByteTag = reader(bytes(0x8a, 0x80, 0x80, 0x80, 0x80, 0x00));
        assertThrows(MalformedFrameException.class, sixByteTag::nextFrame, "6-byte tag varint");
    }

    @Test
    void garbageIsMalformed() {
        MalformedFrameException varint = assertThrows(MalformedFrameException.class,
                reader(bytes(0x08, 0x01))::nextFrame, "wire type 0 at top level");
        assertTrue(varint.getMessage().contains("0x8"), "message names the tag: " + varint.getMessage());
        assertThrows(MalformedFrameException.class, reader(bytes(0x02, 0x00))::nextFrame, "field number 0");
        assertThrows(MalformedFrameException.class, reader("GET / HTTP/1.1\r\n".getBytes())::nextFrame, "HTTP");
    }

    @Test
    void endOfStreamAtBoundaryAndInsideAFrame() throws IOException {
        assertEquals(-1, reader(new byte[0]).nextFrame(), "empty stream is a clean end");
        assertThrows(TruncatedFrameException.class, reader(bytes(0x0a))::nextFrame, "after the tag");
        assertThrows(TruncatedFrameException.class, reader(bytes(0x0a, 0x80))::nextFrame, "inside the length");
        TruncatedFrameException body = assertThrows(TruncatedFrameException.class,
                reader(bytes(0x0a, 0x04, 0x0a), 1)::nextFrame, "inside the payload");
        assertEquals(1, body.bytesReceived(), "payload bytes that arrived");
        assertEquals(4, body.bytesExpected(), "payload bytes expected");
    }

    @Test
    void invalidUtf8IsAParseErrorNotAFramingError() throws IOException {
        byte[] badUtf8 = bytes(0x0a, 0x04, 0x0a, 0x02, 0xc3, 0x28);
        FrameReader reader = reader(concat(badUtf8, echo("ok").toByteArray()));
        assertEquals(6, reader.nextFrame(), "frame found");
        assertThrows(InvalidProtocolBufferException.class, () -> reader.parseFrame(ClientMessage.parser()), "bad UTF-8");
        assertEquals(echo("ok"), reader.read(ClientMessage.parser()), "next frame");
    }
}
