package dev.echo.it;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
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
 * A plain socket to 127.0.0.1, for bytes that EchoClient would never send: garbage, huge prefixes,
 * invalid UTF-8, byte-at-a-time writes, half-close, resets. Answers are still read as frames.
 */
final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final FrameReader reader;

    private RawConnection(Socket socket, Framing framing, long readBytesPerSecond) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = readBytesPerSecond > 0 ? new PacedInputStream(socket.getInputStream(), readBytesPerSecond)
                : socket.getInputStream();
        this.reader = framing.newReader(in, 64 * 1024 * 1024);
    }

    static RawConnection open(int port) throws IOException {
        return open(port, Framing.DELIMITED);
    }

    static RawConnection open(int port, Framing framing) throws IOException {
        return new RawConnection(connect(port), framing, 0);
    }

    /** A slow reader: answers are taken from the socket at no more than {@code bytesPerSecond}. */
    static RawConnection openReadingAt(int port, long bytesPerSecond) throws IOException {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        return new RawConnection(connect(port), Framing.DELIMITED, bytesPerSecond);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // so that a write of one byte leaves as one segment
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    RawConnection write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** {@code length} bytes of {@code bytes} from {@code offset}. */
    RawConnection write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
        return this;
    }

    /** Each byte in its own write (and, with TCP_NODELAY, its own segment). */
    RawConnection writeByteAtATime(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
        return this;
    }

    /** The next answer frame, or null when the server closed the connection at a frame boundary. */
    ServerMessage readAnswer() throws IOException {
        return reader.read(ServerMessage.parser());
    }

    /**
     * True when the server ends the connection (end of stream or reset) within the read timeout
     * without sending anything more; false when it sends a byte.
     *
     * @throws SocketTimeoutException if the connection stays open and silent past the read timeout
     */
    boolean closedByServer() throws IOException {
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
    int bufferedBytes() {
        return reader.bufferedBytes();
    }

    void setReadTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Half-close: the server sees end of stream, and can still answer. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** An abortive close: RST instead of FIN, as a crashed or killed client does. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
