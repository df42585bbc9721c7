package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.proto.ClientMessage;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Requests are parsed like ClientMessage.parser() does, less the unknown fields, which cost nothing. */
class RequestParserTest {

    @Test
    void knownFieldsParseAsUsualAndUnknownOnesAreDropped() throws InvalidProtocolBufferException {
        ClientMessage echo = Frames.echo("Hello, World!");
        byte[] withUnknown = Frames.concat(echo.toByteArray(), Frames.bytes(0x7b, 0x7c, 0x78, 0x05));
        ClientMessage parsed = RequestHandler.requestParser().parseFrom(withUnknown);
        assertEquals(echo, parsed, "the echo, without the unknown group and varint");
        assertEquals(0, parsed.getUnknownFields().asMap().size(), "no unknown field kept");
        assertEquals(ClientMessage.parser().parseFrom(echo.toByteArray()),
                RequestHandler.requestParser().parseFrom(echo.toByteArray()), "same as the generated parser");
    }

    @Test
    void invalidInputIsStillRejected() {
        assertThrows(InvalidProtocolBufferException.class,
                () -> RequestHandler.requestParser().parseFrom(Frames.bytes(0x7b, 0x7b, 0x7c)), "unbalanced group");
        assertThrows(InvalidProtocolBufferException.class,
                () -> RequestHandler.requestParser().parseFrom(Frames.bytes(0x0a, 0x05, 0x0a)), "truncated field");
    }

    @Test
    void fourMebibytesOfEmptyUnknownGroupsAllocateAlmostNothing() throws InvalidProtocolBufferException {
        byte[] groups = new byte[4 * 1024 * 1024 - 2];
        for (int i = 0; i < groups.length; i += 2) {
            groups[i] = 0x7b; // field 15, start group
            groups[i + 1] = 0x7c; // field 15, end group
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        ClientMessage parsed = RequestHandler.requestParser().parseFrom(groups);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ClientMessage.MessageCase.MESSAGE_NOT_SET, parsed.getMessageCase(), "an empty request");
        // The generated parser keeps an object per group: hundreds of megabytes for this frame.
        assertTrue(allocated < 1024 * 1024, "expected well under 1 MiB allocated, got " + allocated + " bytes");
    }

    @Test
    void deeplyNestedUnknownGroupsAreRejectedNotOverflowingTheStack() {
        byte[] nested = new byte[1024 * 1024];
        Arrays.fill(nested, (byte) 0x7b);
        Throwable thrown = assertThrows(Throwable.class, () -> RequestHandler.requestParser().parseFrom(nested));
        assertTrue(thrown instanceof InvalidProtocolBufferException, "expected a typed parse failure, got " + thrown);
    }
}
