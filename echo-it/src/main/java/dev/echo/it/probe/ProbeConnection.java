package dev.echo.it.probe;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.ConnectFailures;
import dev.echo.core.FrameException;
import dev.echo.core.FrameReader;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.ClientTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One TCP connection of a check to the target: writes requests (or any bytes) as told, reads
 * answers as frames of the target's framing, each within the probe's timeout. Failures come out as
 * {@link CheckFailedException}s whose message is ready to be shown as evidence.
 */
final class ProbeConnection implements AutoCloseable {
    /** Largest answer accepted: the 4 KiB and 600-byte echoes come back well under it. */
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;
    /** How long a polite close waits at most for the server's own close. */
    private static final Duration DRAIN = Duration.ofMillis(500);

    private final ProbeConfig config;
    private final Socket socket;
    /** Reads with the probe's timeout for each whole answer, not for each read. */
    private final DeadlineInputStream in;
    private final FrameReader reader;

    private ProbeConnection(ProbeConfig config, Socket socket) throws IOException {
        this.config = config;
        this.socket = socket;
        this.in = new DeadlineInputStream(socket);
        this.reader = config.framing().newReader(in, MAX_ANSWER_BYTES);
    }

    static ProbeConnection open(ProbeConfig config) throws TargetUnreachableException {
        Socket socket = null;
        try {
            // With TLS, the handshake is done (under its own timeout) before the socket is returned.
            socket = config.tls().connect(new InetSocketAddress(config.host(), config.port()), config.host(),
                    config.timeout(), config.handshakeTimeout());
            socket.setTcpNoDelay(true); // a write of a few bytes leaves as its own segment
            return new ProbeConnection(config, socket);
        } catch (IOException e) {
            if (socket != null) {
                closeQuietly(socket);
            }
            throw new TargetUnreachableException(config.address(), ConnectFailures.reason(e, config.timeout()));
        }
    }

    /** Writes every request, framed, in one write. */
    ProbeConnection send(ClientMessage... requests) throws CheckFailedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ClientMessage request : requests) {
            bytes.writeBytes(config.framing().encode(request));
        }
        return write(bytes.toByteArray());
    }

    /** Sends {@code request} and fails the check unless its answer is the one it must get. */
    void exchange(ClientMessage request) throws CheckFailedException {
        Answers.expectAnswerTo(request, send(request).answer());
    }

    /** Writes {@code bytes} as they are, in one write. */
    ProbeConnection write(byte[] bytes) throws CheckFailedException {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new ServerClosedException("writing " + bytes.length + " bytes failed: " + why(e));
        }
    }

    /**
     * The next answer.
     *
     * @throws ServerClosedException if the server ended the connection instead
     * @throws CheckFailedException if nothing complete came within the timeout, or the bytes are no answer
     */
    ServerMessage answer() throws CheckFailedException {
        in.deadlineIn(config.timeout().toNanos());
        try {
            ServerMessage answer = reader.read(Messages.answerParser());
            if (answer == null) {
                throw new ServerClosedException("the server closed the connection");
            }
            return answer;
        } catch (SocketTimeoutException e) {
            throw new CheckFailedException("no answer within " + Probe.format(config.timeout()));
        } catch (InvalidProtocolBufferException e) {
            throw new CheckFailedException("the answer is not a ServerMessage: " + Messages.unparsable(e));
        } catch (FrameException e) {
            throw new CheckFailedException("the answer is not a valid " + config.framing().cliName() + " frame: " + e.getMessage());
        } catch (SocketException e) {
            throw new ServerClosedException("the connection was reset (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new ServerClosedException("reading failed: " + why(e));
        }
    }

    /** A TLS failure in the tools' one line (a refused client certificate says so), else the exception's message. */
    private static String why(IOException e) {
        String tls = ClientTls.explain(e);
        return tls != null ? tls : e.getMessage();
    }

    /** Half-close: the server sees end of stream and can still answer. */
    void shutdownOutput() throws CheckFailedException {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new ServerClosedException("half-close failed: " + e.getMessage());
        }
    }

    /** An abortive close: RST instead of FIN, as a crashed or killed client does. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed: nothing to reset
        }
        closeQuietly(socket);
    }

    /** Closes at once, waking any thread blocked reading it; used to abandon a check. */
    void abort() {
        closeQuietly(socket);
    }

    /** Closes politely, waiting at most 500 ms. */
    @Override
    public void close() {
        close(System.nanoTime() + DRAIN.toNanos());
    }

    /**
     * Closes politely: FIN, then reads and drops what the server still sends until it closes too or
     * {@code deadlineNanos} passes. Closing with unread answers would make our kernel reset the
     * connection, and a reset is itself something this probe tests: it must only happen on purpose.
     */
    void close(long deadlineNanos) {
        if (socket.isClosed()) {
            return;
        }
        try {
            socket.shutdownOutput();
            InputStream raw = socket.getInputStream();
            byte[] scratch = new byte[8192];
            long left;
            while ((left = (deadlineNanos - System.nanoTime()) / 1_000_000) > 0) {
                socket.setSoTimeout((int) left);
                if (raw.read(scratch) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // reset, timeout or already closed: close below either way
        } finally {
            closeQuietly(socket);
        }
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the socket is gone either way
        }
    }
}
