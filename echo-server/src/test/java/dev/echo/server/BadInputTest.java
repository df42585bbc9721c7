package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.WireClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every bad-input rule of the server, each on its own; none may touch another connection. */
class BadInputTest {
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

    @Test
    void malformedBodyIsAnsweredAndTheConnectionGoesOn() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            client.write(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            assertEquals("still here", client.echo("still here"), "expected the connection to go on");
            assertEquals(1, server.stats().errorCount(ErrorResponse.Code.MALFORMED_MESSAGE),
                    "expected 1 MALFORMED_MESSAGE counted");
        }
    }

    @Test
    void invalidUtf8IsMalformedAndTheConnectionGoesOn() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            // ClientMessage{echo_message{content: C3 28}}: C3 starts a 2-byte sequence, 28 does not continue it.
            client.write(new byte[] {6, 0x0a, 4, 0x0a, 2, (byte) 0xc3, 0x28});
            ServerMessage answer = client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            assertTrue(answer.getError().getDetail().contains("UTF-8"),
                    "expected the detail to mention UTF-8, got: " + answer.getError().getDetail());
            assertEquals("still here", client.echo("still here"), "expected the connection to go on");
        }
    }

    @Test
    void emptyMessageGetsEmptyRequestAndTheConnectionGoesOn() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            client.write(new byte[] {0});
            client.expectError(ErrorResponse.Code.EMPTY_REQUEST);
            assertEquals(30, client.add(10, 20), "expected the connection to go on");
        }
    }

    @Test
    void tooLargeDeclaredLengthGetsFrameTooLargeThenClose() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.maxFrameBytes(1024));
             WireClient other = TestServers.connect(server);
             WireClient client = TestServers.connect(server)) {
            assertEquals("before", other.echo("before"), "expected the other client served");
            // varint 2000, then a little of the body that will never be read.
            client.write(new byte[] {(byte) 0xd0, 0x0f, 1, 2, 3});
            ServerMessage answer = client.expectError(ErrorResponse.Code.FRAME_TOO_LARGE);
            assertTrue(answer.getError().getDetail().contains("2000"),
                    "expected the detail to name the declared length, got: " + answer.getError().getDetail());
            client.expectClosed(CLOSE_WITHIN);
            assertEquals("after", other.echo("after"), "expected the other client undisturbed");
        }
    }

    @Test
    void declaredLengthOfTwoGigabytesAllocatesNothing() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            // 2^31-1 as a varint: far over 4 MiB; nothing that size may be allocated.
            client.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07});
            client.expectError(ErrorResponse.Code.FRAME_TOO_LARGE);
            client.expectClosed(CLOSE_WITHIN);
        }
    }

    @Test
    void malformedLengthPrefixGetsMalformedMessageThenClose() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            // Six varint bytes: no varint32 is longer than five.
            client.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
            client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            client.expectClosed(CLOSE_WITHIN);
        }
    }

    @Test
    void rawGarbageGetsMalformedMessageThenClose() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.framing(Framing.RAW));
             WireClient other = TestServers.connect(server);
             WireClient client = TestServers.connect(server)) {
            client.write("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            client.expectClosed(CLOSE_WITHIN);
            assertEquals("fine", other.echo("fine"), "expected the other raw client undisturbed");
        }
    }

    @Test
    void rawMessageThatDoesNotParseGetsMalformedMessageThenClose() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.framing(Framing.RAW));
             WireClient client = TestServers.connect(server)) {
            // Field 1 (echo_message) of 3 bytes that are no EchoMessage.
            client.write(new byte[] {0x0a, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            client.expectClosed(CLOSE_WITHIN);
        }
    }

    @Test
    void rawFrameOverTheLimitGetsFrameTooLargeThenClose() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.framing(Framing.RAW).maxFrameBytes(100));
             WireClient client = TestServers.connect(server)) {
            client.write(new byte[] {0x0a, (byte) 0xe8, 0x07}); // field 1 claiming 1000 bytes
            client.expectError(ErrorResponse.Code.FRAME_TOO_LARGE);
            client.expectClosed(CLOSE_WITHIN);
        }
    }

    @Test
    void endOfStreamInsideAFrameClosesOnlyThatConnection() throws Exception {
        try (EchoServer server = TestServers.start()) {
            try (WireClient client = TestServers.connect(server)) {
                client.write(new byte[] {10, 0x0a, 3});
                client.shutdownOutput();
                client.expectClosed(CLOSE_WITHIN);
            }
            try (WireClient fresh = TestServers.connect(server)) {
                assertEquals("next", fresh.echo("next"), "expected a new client served after a truncated frame");
            }
        }
    }
}
