package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static String whyUnparsable(byte[] frame) {
        return Messages.unparsable(assertThrows(InvalidProtocolBufferException.class,
                () -> ServerMessage.parseFrom(frame)));
    }

    /**
     * Protobuf's own message goes on to tell a developer how to raise its limit; a tool's one line (a
     * helper pointed echo-client at a server answering nested groups) needs the first sentence only.
     */
    @Test
    void aBadFrameIsDescribedByProtobufsFirstSentenceOnly() {
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            nested.write(15 << 3 | 3); // the start of a group in unknown field 15
        }
        assertEquals("Protocol message had too many levels of nesting", whyUnparsable(nested.toByteArray()));
        assertEquals("Protocol message contained an invalid tag (zero)", whyUnparsable(new byte[] {0}));
        assertEquals("While parsing a protocol message, the input ended unexpectedly in the middle of a field",
                whyUnparsable(new byte[] {0x0a, 5, 'a'}));
    }

    /**
     * A server's detail is bounded where a tool prints it: an untrusted server sent a megabyte, printed
     * as one 2 MB line. Cut before a surrogate pair, never inside one; escaped after the cut.
     */
    @Test
    void aLongDetailIsCutAndCounted() {
        String limit = "a".repeat(Messages.PRINTED_DETAIL_CHARS);
        assertEquals(limit, Messages.bounded(limit), "at the limit: whole");
        assertEquals(limit + "... (1000 more characters)", Messages.bounded(limit + "b".repeat(1000)));
        String pairAtTheCut = "a".repeat(Messages.PRINTED_DETAIL_CHARS - 1) + "\uD83D\uDE00" + "c";
        assertEquals("a".repeat(Messages.PRINTED_DETAIL_CHARS - 1) + "... (3 more characters)", Messages.bounded(pairAtTheCut));
        assertEquals("\\u001b[2J" + "x".repeat(Messages.PRINTED_DETAIL_CHARS - 4) + "... (10 more characters)",
                Messages.printableDetail("\u001b[2J" + "x".repeat(Messages.PRINTED_DETAIL_CHARS + 6)));
        assertEquals("error MALFORMED_MESSAGE '" + limit + "... (1 more character)'",
                Messages.describe(Messages.error(dev.echo.core.proto.ErrorResponse.Code.MALFORMED_MESSAGE, limit + "z")));
    }

    /**
     * An answer padded with unknown fields, at the top and inside the echo, as a hostile server sends
     * it: the clients' parser reads the answer and keeps none of them (kept, 4 MiB of them cost a
     * client 306 MB of allocation and ran a 64 MiB client out of heap).
     */
    @Test
    void theAnswerParserKeepsNoUnknownFieldAtAnyDepth() throws InvalidProtocolBufferException {
        UnknownFieldSet.Builder padding = UnknownFieldSet.newBuilder();
        for (int field = 100; field < 1100; field++) {
            padding.addField(field, UnknownFieldSet.Field.newBuilder().addVarint(field).build());
        }
        ServerMessage padded = ServerMessage.newBuilder().setUnknownFields(padding.build())
                .setEchoMessage(EchoMessage.newBuilder().setContent("hi").setUnknownFields(padding.build())).build();
        byte[] wire = padded.toByteArray();
        assertEquals(2000, ServerMessage.parseFrom(wire).getUnknownFields().asMap().size()
                + ServerMessage.parseFrom(wire).getEchoMessage().getUnknownFields().asMap().size(),
                "expected the plain parser to keep them: the test's padding is what it claims");

        ServerMessage read = Messages.answerParser().parseFrom(wire);
        assertEquals("hi", read.getEchoMessage().getContent());
        assertTrue(read.getUnknownFields().asMap().isEmpty(), "kept at the top: " + read.getUnknownFields().asMap().size());
        assertTrue(read.getEchoMessage().getUnknownFields().asMap().isEmpty(),
                "kept inside the echo: " + read.getEchoMessage().getUnknownFields().asMap().size());
    }
}
