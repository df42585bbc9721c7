package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against the real server, in process, on port 0. */
@Timeout(60)
class EchoConnectionTest {

    private static EchoServer start(ServerConfig.Builder config) throws IOException {
        return EchoServer.create(config.port(0).build()).start();
    }

    private static ClientConfig clientOf(EchoServer server) {
        return ClientConfig.builder().host("127.0.0.1").port(server.port()).framing(server.config().framing())
                .readTimeout(Duration.ofSeconds(20)).build();
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void echoAndAddRoundTripInEitherFraming(Framing framing) throws IOException {
        try (EchoServer server = start(ServerConfig.builder().framing(framing));
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            assertEquals("Hello, World!", client.echo("Hello, World!"), "echo answers the text");
            assertEquals("grüße, 世界 🌍", client.echo("grüße, 世界 🌍"), "non-ASCII text survives");
            String big = "x".repeat(1 << 20);
            assertEquals(big, client.echo(big), "a 1 MiB text survives");
            assertEquals(30, client.add(10, 20), "10 + 20");
            assertEquals(-2, client.add(-5, 3), "negative numbers");
            assertEquals(Integer.MIN_VALUE, client.add(Integer.MIN_VALUE, 0), "int32 minimum");
            assertEquals(6, client.requestsSent(), "six requests counted");
            assertEquals(6, client.answersReceived(), "six answers counted");
            assertTrue(client.isOpen(), "still open");
        }
    }

    @Test
    void emptyTextIsEchoedInDelimitedFraming() throws IOException {
        try (EchoServer server = start(ServerConfig.builder());
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            assertEquals("", client.echo(""), "an empty text is a valid echo");
        }
    }

    @Test
    void addOverflowIsAServerErrorAndTheConnectionGoesOn() throws IOException {
        try (EchoServer server = start(ServerConfig.builder());
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            ServerErrorException e = assertThrows(ServerErrorException.class, () -> client.add(Integer.MAX_VALUE, 1),
                    "int32 max + 1 overflows");
            assertEquals(ErrorResponse.Code.ADD_OVERFLOW, e.code(), "code");
            assertEquals("2147483647 + 1 overflows int32", e.detail(), "detail");
            assertEquals("ADD_OVERFLOW: 2147483647 + 1 overflows int32", e.getMessage(), "message");
            assertEquals(2, client.add(1, 1), "the connection is still usable after an error answer");
        }
    }

    @Test
    void emptyRequestGetsEmptyRequest() throws IOException {
        try (EchoServer server = start(ServerConfig.builder());
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            ServerMessage answer = client.call(ClientMessage.getDefaultInstance());
            assertEquals(ErrorResponse.Code.EMPTY_REQUEST, answer.getError().getCode(), "a request with neither kind");
            assertEquals("still here", client.echo("still here"), "the connection goes on");
        }
    }

    @Test
    void invalidUtf8GetsMalformedMessage() throws IOException {
        // Field 1 (echo_message) carrying an EchoMessage whose string is not UTF-8: the builder
        // refuses such a string, so it goes in as an unknown field with the same number.
        byte[] echoWithBadUtf8 = {0x0A, 0x02, (byte) 0xC3, 0x28};
        ClientMessage crafted = ClientMessage.newBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(1, UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(ByteString.copyFrom(echoWithBadUtf8)).build())
                        .build())
                .build();
        try (EchoServer server = start(ServerConfig.builder());
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            ServerMessage answer = client.call(crafted);
            assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, answer.getError().getCode(),
                    "invalid UTF-8 in a proto3 string: got " + answer);
            assertEquals(5, client.add(2, 3), "a delimited connection survives a malformed message");
        }
    }

    @Test
    void frameOverTheServersMaximumGetsFrameTooLarge() throws IOException {
        try (EchoServer server = start(ServerConfig.builder().maxFrameBytes(64));
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            ServerErrorException e = assertThrows(ServerErrorException.class, () -> client.echo("x".repeat(1000)),
                    "a 1000-byte frame over a 64-byte maximum");
            assertEquals(ErrorResponse.Code.FRAME_TOO_LARGE, e.code(), "code: " + e.getMessage());
            IOException closed = assertThrows(IOException.class, () -> client.echo("after"),
                    "the server closes the connection after FRAME_TOO_LARGE");
            assertTrue(closed.getMessage().startsWith("127.0.0.1:" + server.port()),
                    "names the endpoint: " + closed.getMessage());
        }
    }

    @Test
    void connectionOverTheLimitGetsServerBusy() throws IOException {
        try (EchoServer server = start(ServerConfig.builder().maxConnections(1));
             EchoConnection first = EchoConnection.connect(clientOf(server))) {
            assertEquals("first", first.echo("first"), "the first connection is served");
            try (EchoConnection second = EchoConnection.connect(clientOf(server))) {
                ServerMessage answer = second.receive();
                assertEquals(ErrorResponse.Code.SERVER_BUSY, answer.getError().getCode(), "second of max 1: " + answer);
                assertThrows(ConnectionClosedException.class, second::receive, "then the server closes it");
            }
            assertEquals("still first", first.echo("still first"), "the first connection is unaffected");
        }
    }

    @Test
    void frameCompletedDuringShutdownGetsShuttingDown() throws Exception {
        // A connection inside a frame when shutdown begins is let finish it, and is answered
        // SHUTTING_DOWN. "Inside a frame": one write carries a whole request and the first byte of
        // the next, so the server reads both at once and waits for the rest of the second.
        EchoServer server = start(ServerConfig.builder().shutdownGrace(Duration.ofSeconds(20)));
        Thread closer = null;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
             EchoConnection idleProbe = EchoConnection.connect(clientOf(server))) {
            socket.setSoTimeout(20_000);
            socket.setTcpNoDelay(true);
            byte[] first = Framing.DELIMITED.encode(Messages.echo("one"));
            byte[] second = Framing.DELIMITED.encode(Messages.echo("two"));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(first);
            bytes.write(second, 0, 1);
            OutputStream out = socket.getOutputStream();
            out.write(bytes.toByteArray());
            out.flush();
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            assertEquals("one", reader.read(ServerMessage.parser()).getEchoMessage().getContent(), "first answered");

            closer = Thread.ofPlatform().name("closer").start(server::close);
            // Shutdown has reached the connections once the idle probe is turned away, and has
            // finished telling all of them when close() waits for them to leave.
            await(() -> probeTurnedAway(idleProbe), "the idle probe connection to be ended by the shutdown");
            Thread closing = closer;
            await(() -> closing.getState() == Thread.State.TIMED_WAITING || !closing.isAlive(),
                    "close() to be waiting for the connections");

            out.write(second, 1, second.length - 1);
            out.flush();
            ServerMessage answer = reader.read(ServerMessage.parser());
            assertEquals(ErrorResponse.Code.SHUTTING_DOWN, answer.getError().getCode(), "got " + answer);
            assertEquals(-1, reader.nextFrame(), "then the server closes the connection");
        } finally {
            server.close();
            if (closer != null) {
                closer.join(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void thousandPipelinedRequestsAreAnsweredInOrder() throws IOException {
        int count = 1000;
        try (EchoServer server = start(ServerConfig.builder());
             EchoConnection client = EchoConnection.connect(clientOf(server))) {
            for (int i = 0; i < count; i++) {
                client.send(i % 2 == 0 ? Messages.echo("message " + i) : Messages.add(i, 1_000_000));
            }
            client.flush();
            for (int i = 0; i < count; i++) {
                ServerMessage answer = client.receive();
                if (i % 2 == 0) {
                    assertEquals("message " + i, answer.getEchoMessage().getContent(), "answer " + i + " in order");
                } else {
                    assertEquals(i + 1_000_000, answer.getAddResponse().getResult(), "answer " + i + " in order");
                }
            }
            assertEquals(count, client.answersReceived(), "every answer received");
            assertEquals("after", client.echo("after"), "the connection goes on after the pipeline");
        }
    }

    @Test
    void serverClosingAnIdleConnectionIsSeenAtTheNextCall() throws IOException {
        EchoServer server = start(ServerConfig.builder());
        try (EchoConnection client = EchoConnection.connect(clientOf(server))) {
            assertEquals("before", client.echo("before"), "served before the server stops");
            server.close();
            IOException e = assertThrows(IOException.class, () -> client.echo("after"), "the server is gone");
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + server.port()), "names the endpoint: " + e.getMessage());
            assertFalse(client.isOpen(), "closed after the server left");
        } finally {
            server.close();
        }
    }

    /** One probe round trip: false while the server still serves it normally. */
    private static boolean probeTurnedAway(EchoConnection probe) {
        try {
            probe.echo("probe");
            return false;
        } catch (IOException | ServerErrorException e) {
            return true;
        }
    }

    /** Polls {@code condition} until it holds, for at most 20 s. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited 20 s for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }


    /**
     * The read timeout bounds the whole answer: a server sending it a byte every 300 ms (each read
     * within the timeout) held a receive() for the answer's size times that, 30 s against a read
     * timeout of 2 s, an attacker saw.
     */
    @Test
    void aServerTricklingAnAnswerCannotStretchAReceivePastTheReadTimeout() throws Exception {
        byte[] answer = Framing.DELIMITED.encode(Messages.echoAnswer("trickled"));
        try (SilentPeer trickling = new SilentPeer(socket -> {
                socket.getInputStream().read(new byte[64]); // the request
                OutputStream out = socket.getOutputStream();
                for (byte b : answer) {
                    out.write(b);
                    out.flush();
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // the pace, not a wait
                }
            });
             EchoConnection connection = EchoConnection.connect(trickling.config().readTimeout(Duration.ofSeconds(1)).build())) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> connection.echo("trickled"),
                    "the whole answer takes " + answer.length * 300 + " ms");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().endsWith("no answer within 1s"), e.getMessage());
            assertTrue(millis >= 950 && millis < 3_000, "failed at the read timeout, took " + millis + " ms");
            assertFalse(connection.isOpen(), "closed: the rest of the answer would be taken for the next one's");
        }
    }
}
