package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.proto.ClientMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shortcut is only sound if every frame it takes is answered with exactly the bytes the parser
 * and {@link RequestHandler} would have produced, and it is only worth having if it takes what
 * clients send. Random cases use a new seed each run, printed with a failure; {@code -Decho.seed=N}
 * replays it.
 */
class CanonicalEchoTest {
    private static final int TRIES = 20_000;
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Hello, World!", "héllo", "日本語", "😀 non-BMP", "\u0000nul", "\uFFFF"})
    void takesWhatProtobufWritesForAnEcho(String text) {
        byte[] frame = Messages.echo(text).toByteArray();
        assertTrue(isOwnAnswer(frame), "expected " + HEX.formatHex(frame) + " (\"" + text + "\") taken");
    }

    @Test
    void takesLongTextsWithMultiByteLengths() {
        for (int length : new int[] {126, 127, 128, 16_383, 16_384, 100_000}) {
            byte[] frame = Messages.echo("x".repeat(length)).toByteArray();
            assertTrue(isOwnAnswer(frame), "expected an echo of " + length + " characters taken");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                  // empty request: EMPTY_REQUEST
        "0a",                // cut off
        "0a01",              // outer length beyond the end
        "0a020a00",          // explicit empty string: the answer would be 0a00
        "0a8000",            // non-minimal outer length
        "0a040a82000061",    // non-minimal inner length... and too short
        "0a030a8100",        // non-minimal inner length
        "0a030a0161" + "00", // trailing byte
        "0a030a0161" + "0a00", // a second echo field: parsed as a merge
        "0a0312016112",      // inner field 2 (unknown)
        "0a03120161",        // inner field 2 instead of 1
        "1204080110" + "02", // add request
        "0a030a01ff",        // invalid UTF-8
        "0a040a02c0af",      // overlong
        "0a050a03eda080",    // surrogate
        "0a060a04f4908080",  // beyond U+10FFFF
        "0a000a00",          // two empty echoes
        "0b00",              // wrong wire type
    })
    void leavesEverythingElseToTheParser(String hex) {
        assertFalse(isOwnAnswer(HEX.parseHex(hex)), "expected " + hex + " left to the parser");
    }

    @Test
    void everyFrameItTakesIsAnsweredWithItsOwnBytes() {
        long seed = seed();
        Random random = new Random(seed);
        int taken = 0;
        for (int i = 0; i < TRIES; i++) {
            byte[] frame = randomFrame(random);
            if (!isOwnAnswer(frame)) {
                continue;
            }
            taken++;
            ClientMessage request;
            try {
                request = RequestHandler.requestParser().parseFrom(frame);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("seed " + seed + ": took " + HEX.formatHex(frame) + ", which does not parse", e);
            }
            assertArrayEquals(RequestHandler.handle(request).toByteArray(), frame,
                    "seed " + seed + ": took " + HEX.formatHex(frame) + ", whose answer has other bytes");
        }
        assertTrue(taken > TRIES / 10, "seed " + seed + ": expected many random frames taken, got " + taken);
    }

    @Test
    void itsUtf8CheckAgreesWithProtobufs() {
        long seed = seed();
        Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            byte[] bytes = new byte[random.nextInt(8)];
            for (int k = 0; k < bytes.length; k++) {
                // Mostly bytes of multi-byte sequences, where the edge cases are.
                bytes[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            assertEquals(ByteString.copyFrom(bytes).isValidUtf8(), CanonicalEcho.isValidUtf8(bytes, 0, bytes.length),
                    "seed " + seed + ": UTF-8 verdicts differ for " + HEX.formatHex(bytes));
        }
    }

    @Test
    void theReaderCopiesTheFrameThroughTheWriterAsItIs() throws IOException {
        byte[] request = Messages.echo("Hello, World!").toByteArray();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        Messages.echo("Hello, World!").writeDelimitedTo(framed);
        FrameReader reader = Framing.DELIMITED.newReader(new ByteArrayInputStream(framed.toByteArray()),
                FrameReader.DEFAULT_MAX_FRAME_LENGTH, BufferBudget.unlimited());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = Framing.DELIMITED.newWriter(out, BufferBudget.unlimited());
        assertEquals(request.length, reader.nextFrame());
        assertTrue(reader.testFrame(CanonicalEcho::isOwnAnswer), "expected the frame taken");
        reader.copyFrameTo(writer);
        writer.flush();
        assertArrayEquals(framed.toByteArray(), out.toByteArray(), "expected the same frame, prefix and all");
    }

    /** An echo of random text, a byte of it sometimes replaced, then as often as not one random change to the frame. */
    private static byte[] randomFrame(Random random) {
        StringBuilder chars = new StringBuilder();
        int count = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(6);
        for (int k = 0; k < count; k++) {
            int codePoint = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 2 -> 0xE000 + random.nextInt(0x10000 - 0xE000);
                default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
            };
            chars.appendCodePoint(codePoint);
        }
        byte[] text = chars.toString().getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0 && text.length > 0) {
            text[random.nextInt(text.length)] = (byte) random.nextInt(256); // often no longer UTF-8
        }
        byte[] frame = echoFrame(text); // by hand: protobuf's builder refuses invalid UTF-8
        if (random.nextBoolean() && frame.length > 0) {
            int at = random.nextInt(frame.length);
            switch (random.nextInt(3)) {
                case 0 -> frame[at] = (byte) random.nextInt(256);
                case 1 -> frame = Arrays.copyOf(frame, frame.length + 1 + random.nextInt(3));
                default -> frame = Arrays.copyOf(frame, at);
            }
        }
        return frame;
    }

    /** 0A L1 0A L2 text, or 0A 00 for no text, with minimal varints. */
    private static byte[] echoFrame(byte[] text) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        if (text.length > 0) {
            inner.write(0x0A);
            writeVarint(inner, text.length);
            inner.writeBytes(text);
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x0A);
        writeVarint(frame, inner.size());
        frame.writeBytes(inner.toByteArray());
        return frame.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static boolean isOwnAnswer(byte[] frame) {
        return CanonicalEcho.isOwnAnswer(frame, 0, frame.length);
    }

    private static long seed() {
        return Long.getLong("echo.seed", new Random().nextLong());
    }
}
