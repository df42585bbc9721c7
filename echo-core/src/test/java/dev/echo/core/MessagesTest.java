package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
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
}
