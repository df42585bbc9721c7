package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.EchoConnection;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.TestServers;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 5: bad input gets the ErrorResponse the server specifies, then the connection goes on
 * (a bad body) or closes (a bad frame), and never touches another connection or the heap.
 */
@Execution(ExecutionMode.CONCURRENT)
class BadInputIT {
    private static final byte[] NEXT = Framing.DELIMITED.encode(Messages.echo("next"));

    /** Inputs after which the delimited connection goes on with the next frame. */
    enum BadBody {
        GARBAGE_BODY(Code.MALFORMED_MESSAGE, bytes(5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)),
        // ClientMessage{echo_message{content = 0xC3 0x28}}: a proto3 string that is not UTF-8.
        INVALID_UTF8(Code.MALFORMED_MESSAGE, bytes(6, 0x0A, 0x04, 0x0A, 0x02, 0xC3, 0x28)),
        // A body cut short inside a field: the frame is whole, the message is not.
        TRUNCATED_FIELD(Code.MALFORMED_MESSAGE, bytes(3, 0x0A, 0x05, 0x0A)),
        EMPTY_MESSAGE(Code.EMPTY_REQUEST, bytes(0));

        final Code code;
        final byte[] frame;

        BadBody(Code code, byte[] frame) {
            this.code = code;
            this.frame = frame;
        }
    }

    /** Inputs after which the connection is closed. */
    enum BadFrame {
        JUST_OVER_THE_LIMIT(Framing.DELIMITED, Code.FRAME_TOO_LARGE, varint(4 * 1024 * 1024 + 1)),
        ONE_GIB(Framing.DELIMITED, Code.FRAME_TOO_LARGE, varint(1 << 30)),
        LARGEST_VARINT32(Framing.DELIMITED, Code.FRAME_TOO_LARGE, varint(Integer.MAX_VALUE)),
        SIX_BYTE_PREFIX(Framing.DELIMITED, Code.MALFORMED_MESSAGE, bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)),
        PREFIX_OVER_INT32(Framing.DELIMITED, Code.MALFORMED_MESSAGE, bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F)),
        RAW_WRONG_WIRE_TYPE(Framing.RAW, Code.MALFORMED_MESSAGE, bytes(0x08, 0x01)),
        RAW_GARBAGE_BODY(Framing.RAW, Code.MALFORMED_MESSAGE, bytes(0x0A, 0x03, 0xFF, 0xFF, 0xFF)),
        RAW_INVALID_UTF8(Framing.RAW, Code.MALFORMED_MESSAGE, bytes(0x0A, 0x04, 0x0A, 0x02, 0xC3, 0x28)),
        RAW_HUGE_LENGTH(Framing.RAW, Code.FRAME_TOO_LARGE, concat(bytes(0x0A), varint(Integer.MAX_VALUE - 8)));

        final Framing framing;
        final Code code;
        final byte[] bytes;

        BadFrame(Framing framing, Code code, byte[] bytes) {
            this.framing = framing;
            this.code = code;
            this.bytes = bytes;
        }
    }

    private static EchoServer delimited;
    private static EchoServer raw;

    @BeforeAll
    static void startServers() {
        delimited = TestServers.start();
        raw = TestServers.start(b -> b.framing(Framing.RAW));
    }

    @AfterAll
    static void stopServers() {
        delimited.close();
        raw.close();
    }

    @ParameterizedTest
    @EnumSource(BadBody.class)
    void badBodyGetsItsErrorAndTheConnectionGoesOn(BadBody input) throws IOException {
        try (WireClient connection = WireClient.connect(delimited.port())) {
            connection.write(concat(input.frame, NEXT));
            ServerMessage error = connection.receiveOrNull();
            assertTrue(error != null && error.hasError() && error.getError().getCode() == input.code,
                    "expected " + input.code + " for " + input + ", got " + error);
            ServerMessage next = connection.receiveOrNull();
            assertEquals(Messages.echo("next").getEchoMessage().getContent(),
                    next == null ? null : next.getEchoMessage().getContent(),
                    "expected the connection to go on and echo the next frame after " + input + ", got " + next);
        }
    }

    @ParameterizedTest
    @EnumSource(BadFrame.class)
    void badFrameGetsItsErrorAndTheConnectionCloses(BadFrame input) throws IOException {
        EchoServer server = input.framing == Framing.RAW ? raw : delimited;
        try (WireClient connection = WireClient.connect(server.port(), input.framing)) {
            connection.write(input.bytes);
            ServerMessage error = connection.receiveOrNull();
            assertTrue(error != null && error.hasError() && error.getError().getCode() == input.code,
                    "expected " + input.code + " for " + input + ", got " + error);
            assertTrue(connection.closedByServer(), "expected the server to close the connection after " + input);
        }
        try (EchoConnection other = EchoConnection.connect(Clients.config(server.port()).toBuilder().framing(input.framing).build())) {
            assertEquals("unharmed", other.echo("unharmed"), "expected another client served after " + input);
        }
    }

    /** Every kind of bad input at once, 20 connections each, while good clients talk undisturbed. */
    @Test
    void badInputOnManyConnectionsLeavesGoodClientsUndisturbed() {
        Conversation.Tally good = new Conversation.Tally();
        AtomicInteger errorsSeen = new AtomicInteger();
        Parallel.Running talkers = Parallel.start(10, Duration.ofSeconds(60), i -> {
            try (EchoConnection client = Clients.connect(delimited.port())) {
                Conversation.run(client, i, 200, good);
            }
        });
        List<BadFrame> delimitedFrames = Arrays.stream(BadFrame.values())
                .filter(f -> f.framing == Framing.DELIMITED).toList();
        int kinds = BadBody.values().length + delimitedFrames.size();
        Parallel.run(20 * kinds, Duration.ofSeconds(60), i -> {
            int kind = i % kinds;
            byte[] bytes;
            Code code;
            if (kind < BadBody.values().length) {
                bytes = BadBody.values()[kind].frame;
                code = BadBody.values()[kind].code;
            } else {
                BadFrame frame = delimitedFrames.get(kind - BadBody.values().length);
                bytes = frame.bytes;
                code = frame.code;
            }
            try (WireClient connection = WireClient.connect(delimited.port())) {
                ServerMessage answer = connection.write(bytes).receiveOrNull();
                if (answer == null || answer.getError().getCode() != code) {
                    throw new AssertionError("expected " + code + ", got " + answer);
                }
                errorsSeen.incrementAndGet();
            }
        }).assertAllSucceeded("bad connections to get their errors");
        talkers.await(Duration.ofSeconds(60), "the good clients", good::toString)
                .assertAllSucceeded("good clients beside the bad input (" + good + ")");
        assertEquals(20 * kinds, errorsSeen.get(), "expected an error answer on every bad connection");
        assertEquals(10 * 200, good.correct.get(), "expected every good answer right: " + good);
    }

    /**
     * Claims of 4 MiB + 1 to 2 GiB on 100 connections at once, against a server whose whole heap is
     * 48 MiB: had it allocated any claimed size, it would have failed with OutOfMemoryError.
     */
    @Test
    void claimedSizesAreNeverAllocated() throws IOException {
        try (ServerProcess server = ServerJar.process().jvmOptions(List.of("-Xmx48m", "-XX:+ExitOnOutOfMemoryError")).args(
                "--host", "127.0.0.1", "--port", "0", "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            List<BadFrame> claims = List.of(BadFrame.JUST_OVER_THE_LIMIT, BadFrame.ONE_GIB, BadFrame.LARGEST_VARINT32);
            AtomicInteger rejected = new AtomicInteger();
            Parallel.run(100, Duration.ofSeconds(60), i -> {
                BadFrame claim = claims.get(i % claims.size());
                try (WireClient connection = WireClient.connect(port)) {
                    // The claim, then a little of the promised body.
                    ServerMessage answer = connection.write(concat(claim.bytes, new byte[1024])).receiveOrNull();
                    if (answer == null || answer.getError().getCode() != Code.FRAME_TOO_LARGE) {
                        throw new AssertionError("expected FRAME_TOO_LARGE for " + claim + ", got " + answer);
                    }
                    rejected.incrementAndGet();
                }
            }).assertAllSucceeded("oversized claims to be rejected (" + server.describe() + ")");
            assertEquals(100, rejected.get(), "expected 100 FRAME_TOO_LARGE answers");
            assertTrue(server.isAlive(), "expected the 48 MiB server alive after the claims: " + server.describe());
            try (EchoConnection client = Clients.connect(port)) {
                assertEquals("heap intact", client.echo("heap intact"), "expected the server to go on serving");
            }
        }
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static byte[] varint(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
        return out.toByteArray();
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
