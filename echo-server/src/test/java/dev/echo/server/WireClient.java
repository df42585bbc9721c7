package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A deliberately plain client for the server's own tests: a socket, echo-core's framing, and
 * bounded reads. (echo-client depends on echo-server, so it cannot be used here.)
 */
final class WireClient implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final Framing framing;
    private final OutputStream out;
    private final InputStream in;
    private final FrameReader reader;

    private WireClient(Socket socket, Framing framing) throws IOException {
        this.socket = socket;
        this.framing = framing;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.reader = framing.newReader(in);
    }

    static WireClient connect(EchoServer server) throws IOException {
        return connect(server, server.config().framing());
    }

    static WireClient connect(EchoServer server, Framing framing) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        return new WireClient(socket, framing);
    }

    static ClientMessage echoRequest(String text) {
        return ClientMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(text)).build();
    }

    static ClientMessage addRequest(int a, int b) {
        return ClientMessage.newBuilder().setAddRequest(AddRequest.newBuilder().setA(a).setB(b)).build();
    }

    Socket socket() {
        return socket;
    }

    void send(ClientMessage request) throws IOException {
        sendBytes(framing.encode(request));
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next answer; fails the test if the server closes or stays silent for 10 s. */
    ServerMessage receive() throws IOException {
        ServerMessage answer = reader.read(ServerMessage.parser());
        assertNotNull(answer, "expected an answer, but the server closed the connection");
        return answer;
    }

    /** The next answer, or null if the server closed the connection at a frame boundary. */
    ServerMessage receiveOrNull() throws IOException {
        return reader.read(ServerMessage.parser());
    }

    ServerMessage call(ClientMessage request) throws IOException {
        send(request);
        return receive();
    }

    String echo(String text) throws IOException {
        ServerMessage answer = call(echoRequest(text));
        assertTrue(answer.hasEchoMessage(), "expected an echo answer to '" + text + "', got " + answer);
        return answer.getEchoMessage().getContent();
    }

    int add(int a, int b) throws IOException {
        ServerMessage answer = call(addRequest(a, b));
        assertTrue(answer.hasAddResponse(), "expected a sum of " + a + " + " + b + ", got " + answer);
        return answer.getAddResponse().getResult();
    }

    /** Asserts that the next answer is an error with {@code code}. */
    ServerMessage expectError(ErrorResponse.Code code) throws IOException {
        ServerMessage answer = receive();
        assertTrue(answer.hasError(), "expected an error " + code + ", got " + answer);
        assertEquals(code, answer.getError().getCode(), "expected error code " + code + ", got " + answer);
        return answer;
    }

    /**
     * Asserts that the server closes the connection (end of stream or reset) within {@code within}
     * and sends nothing more before that.
     */
    void expectClosed(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            int length = reader.nextFrame();
            if (length >= 0) {
                fail("expected the server to close the connection, got another frame: "
                        + reader.parseFrame(ServerMessage.parser()));
            }
        } catch (SocketTimeoutException e) {
            fail("expected the server to close the connection within " + within + ", it stayed open");
        } catch (SocketException e) {
            // A reset is a close too: the server closed with our unread bytes in its buffer.
        }
    }

    /** True if the server closed the connection within {@code within}; false if it is still open. */
    boolean closedWithin(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        try {
            int b = in.read();
            if (b >= 0) {
                fail("expected no data from the server, got a byte 0x" + Integer.toHexString(b));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            }
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with a reset instead of a FIN, as a crashed client would. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
