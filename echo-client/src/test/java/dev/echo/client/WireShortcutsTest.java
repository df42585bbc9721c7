package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.FrameReader;
import dev.echo.core.Messages;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RequestEncoder} writes exactly protobuf's bytes; {@link AnswerDecoder} reads protobuf's bytes or declines. */
class WireShortcutsTest {
    private static final List<Integer> INTS = List.of(0, 1, -1, 127, 128, 300, 16_383, 16_384, -128, 2_097_151,
            268_435_455, 268_435_456, Integer.MAX_VALUE, Integer.MIN_VALUE, -2_000_000_000);
    private static final List<String> TEXTS = List.of("", "a", "Hello, World!", "x".repeat(127), "y".repeat(128),
            "z".repeat(RequestEncoder.MAX_TEXT), "tab\tand\nnewline\u0000nul");

    private static Request<?> echo(String text) {
        return new Request<>(null, text, 0, 0, AnswerKind.ECHO, 0, 0);
    }

    private static Request<?> add(int a, int b) {
        return new Request<>(null, null, a, b, AnswerKind.ADD, 0, 0);
    }

    @Test
    void requestsAreEncodedExactlyAsProtobufDoes() {
        RequestEncoder encoder = new RequestEncoder();
        for (String text : TEXTS) {
            int n = encoder.encode(echo(text));
            assertArrayEquals(Messages.echo(text).toByteArray(), Arrays.copyOf(encoder.buffer, n), "echo of " + text.length());
        }
        for (int a : INTS) {
            for (int b : INTS) {
                int n = encoder.encode(add(a, b));
                assertArrayEquals(Messages.add(a, b).toByteArray(), Arrays.copyOf(encoder.buffer, n), "add " + a + " " + b);
            }
        }
    }

    @Test
    void textThatIsNotAsciiOrTooLongIsLeftToProtobuf() {
        RequestEncoder encoder = new RequestEncoder();
        assertEquals(-1, encoder.encode(echo("caf\u00e9")), "not ASCII");
        assertEquals(-1, encoder.encode(echo("\ud83d\ude00")), "a surrogate pair");
        assertEquals(-1, encoder.encode(echo("z".repeat(RequestEncoder.MAX_TEXT + 1))), "too long");
    }

    @Test
    void canonicalAnswersAreReadAsProtobufReadsThem() {
        for (String text : TEXTS) {
            AnswerDecoder decoder = new AnswerDecoder();
            byte[] bytes = Messages.echoAnswer(text).toByteArray();
            assertTrue(decodeAs(decoder, bytes, AnswerKind.ECHO), "echo answer of " + text.length());
            assertEquals(text, decoder.value());
        }
        for (int sum : INTS) {
            AnswerDecoder decoder = new AnswerDecoder();
            assertTrue(decodeAs(decoder, Messages.sum(sum).toByteArray(), AnswerKind.ADD), "sum " + sum);
            assertEquals(sum, decoder.value());
        }
    }

    @Test
    void everythingElseIsDeclined() {
        AnswerDecoder decoder = new AnswerDecoder();
        assertFalse(decodeAs(decoder, Messages.sum(3).toByteArray(), AnswerKind.ECHO), "a sum for an echo");
        assertFalse(decodeAs(decoder, Messages.echoAnswer("3").toByteArray(), AnswerKind.ADD), "an echo for an add");
        assertFalse(decodeAs(decoder, Messages.error(ErrorResponse.Code.SHUTTING_DOWN, "bye").toByteArray(),
                AnswerKind.ECHO), "an error answer");
        assertFalse(decodeAs(decoder, Messages.echoAnswer("caf\u00e9").toByteArray(), AnswerKind.ECHO), "not ASCII");
        assertFalse(decodeAs(decoder, new byte[0], AnswerKind.ECHO), "an empty answer");
        byte[] withUnknownField = ServerMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent("hi")
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(9, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())).build().toByteArray();
        assertFalse(decodeAs(decoder, withUnknownField, AnswerKind.ECHO), "an unknown field");
        byte[] truncated = Arrays.copyOf(Messages.echoAnswer("hello").toByteArray(), 5);
        assertFalse(decodeAs(decoder, truncated, AnswerKind.ECHO), "a truncated message");
        assertFalse(decodeAs(decoder, new byte[] {0x12, 0x0B, 0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
                AnswerKind.ADD), "a varint of eleven bytes");
        assertFalse(decodeAs(decoder, new byte[] {0x12, 0x06, 0x08, -1, -1, -1, -1, 0x7F}, AnswerKind.ADD),
                "a positive varint past int32");
    }

    private static boolean decodeAs(AnswerDecoder decoder, byte[] bytes, AnswerKind<?> kind) {
        return decoder.decode(new OneFrame(bytes), kind);
    }

    /** A reader whose current frame is {@code bytes}; only {@code testFrame} is used. */
    private record OneFrame(byte[] bytes) implements FrameReader {
        @Override
        public boolean testFrame(FrameTest test) {
            return test.test(bytes, 0, bytes.length);
        }

        @Override
        public int nextFrame() {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T parseFrame(com.google.protobuf.Parser<T> parser) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copyFrameTo(dev.echo.core.FrameWriter writer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int bufferedBytes() {
            return 0;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        public int maxFrameLength() {
            return Integer.MAX_VALUE;
        }

        @Override
        public void release() {}
    }
}
