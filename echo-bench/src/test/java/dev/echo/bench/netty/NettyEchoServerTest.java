package dev.echo.bench.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Netty peer follows the same rules as echo-server. */
class NettyEchoServerTest {

    private static Socket connect(NettyEchoServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static byte[] echo(String text) {
        return Framing.DELIMITED.encode(ClientMessage.newBuilder()
                .setEchoMessage(EchoMessage.newBuilder().setContent(text)).build());
    }

    @Test
    @Timeout(20)
    void aMalformedBodyGetsMalformedMessageAndTheConnectionGoesOn() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer("127.0.0.1", 0, 1024, 1).start();
             Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            out.write(echo("before"));
            out.write(new byte[] {2, (byte) 0xff, (byte) 0xff}); // a 2-byte frame that is no message
            out.write(echo("after"));
            out.flush();
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            assertEquals("before", reader.read(ServerMessage.parser()).getEchoMessage().getContent(),
                    "expected the first echo back");
            assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, reader.read(ServerMessage.parser()).getError().getCode(),
                    "expected MALFORMED_MESSAGE for the bad frame");
            assertEquals("after", reader.read(ServerMessage.parser()).getEchoMessage().getContent(),
                    "expected the connection to go on after a malformed body");
        }
    }

    @Test
    @Timeout(20)
    void aFrameOverTheLimitGetsFrameTooLargeThenTheConnectionCloses() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer("127.0.0.1", 0, 1024, 1).start();
             Socket socket = connect(server)) {
            socket.getOutputStream().write(echo("x".repeat(2000)));
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            assertEquals(ErrorResponse.Code.FRAME_TOO_LARGE, reader.read(ServerMessage.parser()).getError().getCode(),
                    "expected FRAME_TOO_LARGE");
            assertEquals(-1, reader.nextFrame(), "expected the server to close the connection after FRAME_TOO_LARGE");
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NettyEchoServer("127.0.0.1", 0, 0, 1), "expected maxFrameBytes 0 to be rejected");
        assertTrue(e.getMessage().contains(": 0"), "expected the bad value in: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NettyEchoServer("127.0.0.1", 70000, 1024, 1),
                "expected port 70000 to be rejected");
    }
}
