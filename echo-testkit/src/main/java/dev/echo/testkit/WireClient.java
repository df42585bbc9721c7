package dev.echo.testkit;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
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
 * A deliberately plain client for tests: a socket to 127.0.0.1, echo-core's framing, and bounded
 * reads. It sends what EchoConnection never would (garbage, huge prefixes, invalid UTF-8, byte-at-a-time
 * writes, half-closes, resets) and still reads answers as frames. A broken expectation fails with an
 * {@link AssertionError} that says what came instead.
 */
public final class WireClient implements AutoCloseable {
    /** How long a read waits for the server unless told otherwise. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Answers up to 64 MiB: large echoes come back whole, a runaway length still fails. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

    private final Socket socket;
    private final Framing framing;
    private final OutputStream out;
    private final InputStream in;
    private final FrameReader reader;

    private WireClient(Socket socket, Framing framing, long readBytesPerSecond) throws IOException {
        this.socket = socket;
        this.framing = framing;
        this.out = socket.getOutputStream();
        this.in = readBytesPerSecond > 0 ? new PacedInputStream(socket.getInputStream(), readBytesPerSecond)
                : socket.getInputStream();
        this.reader = framing.newReader(in, MAX_ANSWER_BYTES);
    }

    /** A client of 127.0.0.1:{@code port} in delimited framing. */
    public static WireClient connect(int port) throws IOException {
        return connect(port, Framing.DELIMITED);
    }

    public static WireClient connect(int port, Framing framing) throws IOException {
        return new WireClient(open(port), framing, 0);
    }

    /**
     * A client over a socket connected already (a TLS socket, say), in {@code framing}; its reads
     * wait {@link #READ_TIMEOUT}.
     */
    public static WireClient over(Socket socket, Framing framing) throws IOException {
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        return new WireClient(socket, framing, 0);
    }

    /** A slow reader: answers are taken from the socket at no more than {@code bytesPerSecond}. */
    public static WireClient connectReadingAt(int port, long bytesPerSecond) throws IOException {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        return new WireClient(open(port), Framing.DELIMITED, bytesPerSecond);
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // so that a write of one byte leaves as one segment
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    /** Writes {@code request} framed, in one write. */
    public WireClient send(ClientMessage request) throws IOException {
        return write(framing.encode(request));
    }

    /** Writes {@code bytes} as they are, in one write. */
    public WireClient write(byte[] bytes) throws IOException {
        return write(bytes, 0, bytes.length);
    }

    /** {@code length} bytes of {@code bytes} from {@code offset}, in one write. */
    public WireClient write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
        return this;
    }

    /** Each byte in its own write (and, with TCP_NODELAY, its own segment). */
    public WireClient writeByteAtATime(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
        return this;
    }

    /** The next answer; fails if the server closes instead or stays silent past the read timeout. */
    public ServerMessage receive() throws IOException {
        ServerMessage answer = receiveOrNull();
        if (answer == null) {
            throw new AssertionError("expected an answer, but the server closed the connection");
        }
        return answer;
    }

    /** The next answer, or null if the server closed the connection at a frame boundary. */
    public ServerMessage receiveOrNull() throws IOException {
        return reader.read(ServerMessage.parser());
    }

    public ServerMessage call(ClientMessage request) throws IOException {
        send(request);
        return receive();
    }

    /** The text the server echoes back; fails on any other answer. */
    public String echo(String text) throws IOException {
        ServerMessage answer = call(Messages.echo(text));
        if (!answer.hasEchoMessage()) {
            throw new AssertionError("expected an echo answer to " + Messages.describe(text) + ", got "
                    + Messages.describe(answer));
        }
        return answer.getEchoMessage().getContent();
    }

    /** The sum the server answers; fails on any other answer. */
    public int add(int a, int b) throws IOException {
        ServerMessage answer = call(Messages.add(a, b));
        if (!answer.hasAddResponse()) {
            throw new AssertionError("expected a sum of " + a + " + " + b + ", got " + Messages.describe(answer));
        }
        return answer.getAddResponse().getResult();
    }

    /** Asserts that the next answer is an error with {@code code}, and returns it. */
    public ServerMessage expectError(ErrorResponse.Code code) throws IOException {
        ServerMessage answer = receive();
        if (!answer.hasError() || answer.getError().getCode() != code) {
            throw new AssertionError("expected error " + code + ", got " + Messages.describe(answer));
        }
        return answer;
    }

    /**
     * Asserts that the server closes the connection (end of stream or reset) within {@code within}
     * and sends nothing more before that.
     */
    public void expectClosed(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            int length = reader.nextFrame();
            if (length >= 0) {
                throw new AssertionError("expected the server to close the connection, got another frame: "
                        + Messages.describe(reader.parseFrame(ServerMessage.parser())));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("expected the server to close the connection within " + within + ", it stayed open");
        } catch (SocketException e) {
            // A reset is a close too: the server closed with our unread bytes in its buffer.
        }
    }

    /**
     * True if the server closed the connection within {@code within}; false if it is still open.
     * Fails if the server sends anything.
     */
    public boolean closedWithin(Duration within) throws IOException {
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("expected no data from the server, got a byte 0x" + Integer.toHexString(b));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // a reset is a close too
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            }
        }
    }

    /**
     * True when the server ends the connection (end of stream or reset) within the read timeout
     * without sending anything more; false when it sends a byte (or part of a frame is unread).
     *
     * @throws SocketTimeoutException if the connection stays open and silent past the read timeout
     */
    public boolean closedByServer() throws IOException {
        if (reader.bufferedBytes() > 0) {
            return false;
        }
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true; // "Connection reset": the server closed with our bytes unread
        }
    }

    /** Bytes read from the socket but not yet returned as answers: part of a frame, after a failed read. */
    public int bufferedBytes() {
        return reader.bufferedBytes();
    }

    public void setReadTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Half-close: the server sees end of stream, and can still answer. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** An abortive close: RST instead of FIN, as a crashed or killed client does. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
