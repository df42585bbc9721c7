package dev.echo.bench.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Netty peer follows the same rules as echo-server. */
class NettyEchoServerTest {

    @Test
    @Timeout(20)
    void aMalformedBodyGetsMalformedMessageAndTheConnectionGoesOn() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer("127.0.0.1", 0, 1024, 1).start();
             WireClient client = WireClient.connect(server.port())) {
            client.send(Messages.echo("before"))
                    .write(new byte[] {2, (byte) 0xff, (byte) 0xff}) // a 2-byte frame that is no message
                    .send(Messages.echo("after"));
            assertEquals("before", client.receive().getEchoMessage().getContent(), "expected the first echo back");
            client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            assertEquals("after", client.receive().getEchoMessage().getContent(),
                    "expected the connection to go on after a malformed body");
        }
    }

    @Test
    @Timeout(20)
    void aFrameOverTheLimitGetsFrameTooLargeThenTheConnectionCloses() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer("127.0.0.1", 0, 1024, 1).start();
             WireClient client = WireClient.connect(server.port())) {
            client.send(Messages.echo("x".repeat(2000)));
            client.expectError(ErrorResponse.Code.FRAME_TOO_LARGE);
            assertNull(client.receiveOrNull(), "expected the server to close the connection after FRAME_TOO_LARGE");
        }
    }

    /** The epoll transport's own text was passed on: "bind(..) failed with error(-98): Address already in use". */
    @Test
    @Timeout(20)
    void aPortInUseIsSaidAsEchoServerSaysIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> new NettyEchoServer("127.0.0.1", port, 1024, 1).start());
            assertEquals("cannot listen on 127.0.0.1:" + port + ": address already in use", e.getMessage());
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
