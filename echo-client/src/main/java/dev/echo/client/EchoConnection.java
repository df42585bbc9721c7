package dev.echo.client;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.ConnectFailures;
import dev.echo.core.Durations;
import dev.echo.core.FrameException;
import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.ClientTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blocking connection to an echo server, for tools and tests that need to see the connection
 * itself (what the server does to it, pipelining by hand with {@link #send} and {@link #receive}).
 * Applications want {@link EchoClient}: shared by many threads, with deadlines, reconnects and
 * retries.
 *
 * <pre>{@code
 * try (EchoConnection connection = EchoConnection.connect("127.0.0.1", 8080)) {
 *     String text = connection.echo("Hello, World!");
 *     int sum = connection.add(10, 20);
 * }
 * }</pre>
 *
 * <p><b>One thread at a time:</b> a client is not thread-safe; use it from one thread, or hand it
 * between threads with proper synchronization. Only {@link #close()} may be called from another
 * thread, to abort a blocked call.
 *
 * <p>Errors: an {@code ErrorResponse} answer to {@link #echo} or {@link #add} is thrown as a {@link
 * ServerErrorException} and the connection stays usable. Connection failures, timeouts and answers
 * that are not valid frames are {@link IOException}s whose message names {@code host:port} and what
 * happened; after one of those the connection is closed ({@link #isOpen()} is false), because the
 * order of later answers could no longer be trusted. A late answer after a read timeout is never
 * mistaken for the answer to the next request.
 *
 * <p>Pipelining: {@link #send} buffers requests, {@link #receive} returns answers in request order.
 * Since one thread both sends and receives, keep the number of unanswered requests modest (a few
 * thousand small ones) so that neither side's socket buffers fill up while the other waits.
 */
public final class EchoConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EchoConnection.class);

    private final ClientConfig config;
    private final String endpoint;
    private final Socket socket;
    /** The TCP socket beneath {@link #socket} under TLS; the same socket in clear text. */
    private final Socket tcp;
    /** True while a write is under way: under TLS, a close must not wait for it (see {@link #close()}). */
    private volatile boolean writing;
    private final AnswerDeadlineInputStream input;
    private final FrameReader reader;
    private final FrameWriter writer;
    private volatile boolean open = true;
    private long requestsSent;
    private long answersReceived;

    private EchoConnection(ClientConfig config, Socket socket, Socket tcp) throws IOException {
        this.config = config;
        this.endpoint = config.endpoint();
        this.socket = socket;
        this.tcp = tcp;
        this.input = new AnswerDeadlineInputStream(socket, tcp);
        this.reader = config.framing().newReader(input, config.maxFrameBytes());
        this.writer = config.framing().newWriter(socket.getOutputStream());
    }

    /**
     * Opens a connection with TCP_NODELAY set.
     *
     * @throws IOException {@code cannot connect to host:port: connection refused} (or {@code unknown
     *     host}, {@code no connection within 5s}, ...)
     */
    public static EchoConnection connect(ClientConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        String endpoint = config.endpoint();
        Socket socket = null;
        try {
            InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
            if (address.isUnresolved()) {
                throw new UnknownHostException(config.host());
            }
            // With TLS, the handshake is done (under its own timeout) before the socket is returned.
            ClientTls.Connected connected = config.tls().open(address, config.host(), config.connectTimeout(),
                    config.handshakeTimeout());
            socket = connected.socket();
            socket.setTcpNoDelay(true); // requests are small and latency-bound
            socket.setSoTimeout(SocketTimeouts.socketMillis(config.readTimeout()));
            return new EchoConnection(config, socket, connected.tcp());
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                closeQuietly(socket, endpoint);
            }
            throw new IOException("cannot connect to " + endpoint + ": " + ConnectFailures.reason(e, config.connectTimeout()), e);
        }
    }

    /** Connects to {@code host:port} with every other setting at its {@link ClientConfig} default. */
    public static EchoConnection connect(String host, int port) throws IOException {
        return connect(ClientConfig.builder().host(host).port(port).build());
    }

    /**
     * Sends {@code text} and returns the server's echo of it.
     *
     * @throws IllegalArgumentException if {@code text} holds an unpaired surrogate (it has no UTF-8 form)
     * @throws ServerErrorException if the server answers with an error
     * @throws IOException on a connection failure, a timeout or an answer of the wrong kind
     */
    public String echo(String text) throws IOException {
        ServerMessage answer = call(Messages.echo(EchoTexts.sendable(text)));
        return switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> answer.getEchoMessage().getContent();
            case ERROR -> throw ServerErrorException.of(answer.getError());
            default -> throw unexpected("echo", answer);
        };
    }

    /**
     * Returns {@code a + b} as the server computes it.
     *
     * @throws ServerErrorException {@code ADD_OVERFLOW} if the sum does not fit an int32, or any
     *     other error answer
     * @throws IOException on a connection failure, a timeout or an answer of the wrong kind
     */
    public int add(int a, int b) throws IOException {
        ServerMessage answer = call(Messages.add(a, b));
        return switch (answer.getMessageCase()) {
            case ADD_RESPONSE -> answer.getAddResponse().getResult();
            case ERROR -> throw ServerErrorException.of(answer.getError());
            default -> throw unexpected("add", answer);
        };
    }

    private IOException unexpected(String what, ServerMessage answer) {
        close(); // the server does not follow the protocol; nothing later can be trusted
        return new IOException(endpoint + ": expected an " + what + " answer, got " + answer.getMessageCase());
    }

    /**
     * Sends any request (even an empty or odd one) and returns the raw answer; error answers are
     * returned, not thrown.
     *
     * @throws IOException on a connection failure or a timeout
     */
    public ServerMessage call(ClientMessage request) throws IOException {
        send(request);
        return receive();
    }

    /**
     * Buffers {@code request} for sending; it goes out with {@link #flush()}, {@link #receive()} or
     * when the buffer is full.
     *
     * @throws IOException if the connection is closed or fails
     */
    public void send(ClientMessage request) throws IOException {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        writing = true;
        try {
            writer.write(request);
        } catch (IOException e) {
            throw failed("cannot send", pendingAlertOr(e));
        } finally {
            writing = false;
        }
        requestsSent++;
    }

    /** Sends every buffered request. */
    public void flush() throws IOException {
        ensureOpen();
        writing = true;
        try {
            writer.flush();
        } catch (IOException e) {
            throw failed("cannot send", pendingAlertOr(e));
        } finally {
            writing = false;
        }
    }

    /**
     * Flushes, then waits for the next answer, in request order. Error answers are returned, not
     * thrown. Blocks for at most the read timeout, however the answer's bytes arrive.
     *
     * @throws ConnectionClosedException if the server closed the connection at a frame boundary
     * @throws IOException {@code host:port: no answer within 30s}, a broken frame, or a connection
     *     failure; the connection is then closed
     */
    public ServerMessage receive() throws IOException {
        flush();
        input.startAnswer(config.readTimeout());
        int length;
        try {
            length = reader.nextFrame();
        } catch (SocketTimeoutException e) {
            input.answerEnded();
            throw noAnswerInTime(e);
        } catch (FrameException e) {
            input.answerEnded();
            close();
            throw new IOException(endpoint + ": bad answer frame: " + e.getMessage(), e);
        } catch (IOException e) {
            throw !input.answerEnded() ? noAnswerInTime(e) : failed(open ? "connection lost" : "connection closed", e);
        }
        if (!input.answerEnded()) {
            throw noAnswerInTime(null); // read, but the timer closed the connection under it first
        }
        if (length < 0) {
            close();
            throw new ConnectionClosedException(endpoint);
        }
        try {
            ServerMessage answer = reader.parseFrame(Messages.answerParser());
            answersReceived++;
            return answer;
        } catch (InvalidProtocolBufferException e) {
            close();
            throw new IOException(endpoint + ": answer is not a valid ServerMessage: " + Messages.unparsable(e), e);
        }
    }

    private void ensureOpen() throws IOException {
        if (!open) {
            throw new IOException(endpoint + ": connection is closed");
        }
    }

    /** Closes the connection and wraps {@code cause} with the endpoint and what was going on. */
    /**
     * Under TLS a write can fail because the server refused us with an alert not yet read (a TLS 1.3
     * server judges our certificate after our handshake ended): reads it, so the user hears why.
     */
    private IOException pendingAlertOr(IOException writeFailure) {
        if (!(socket instanceof SSLSocket) || writeFailure instanceof SSLException || socket.isClosed()) {
            return writeFailure;
        }
        try {
            socket.setSoTimeout(ALERT_WAIT_MILLIS);
            socket.getInputStream().read();
        } catch (SSLException alert) {
            return alert;
        } catch (IOException | RuntimeException other) {
            // no alert to read: the write's own failure is the reason
        }
        return writeFailure;
    }

    /** How long a failed TLS write waits for the alert that may explain it. */
    private static final int ALERT_WAIT_MILLIS = 1_000;

    /** Closes the connection: the answer was not read whole within the read timeout ({@code cause}: how the read ended). */
    private IOException noAnswerInTime(IOException cause) {
        close();
        return new IOException(endpoint + ": no answer within " + Durations.format(config.readTimeout()), cause);
    }

    private IOException failed(String what, IOException cause) {
        close();
        if (cause instanceof SSLException) {
            // Under TLS 1.3 the server judges our certificate after our handshake ended, so its
            // refusal (certificate_required, unknown_ca) arrives on the first read or write.
            return new IOException(endpoint + ": " + ClientTls.explain(cause), cause);
        }
        String reason = cause instanceof SocketTimeoutException || cause.getMessage() == null
                ? "" : ": " + cause.getMessage();
        return new IOException(endpoint + ": " + what + reason, cause);
    }

    /** The configuration this client connected with. */
    public ClientConfig config() {
        return config;
    }

    /** {@code host:port} of the server. */
    public String endpoint() {
        return endpoint;
    }

    /** Requests handed to {@link #send} (and so to {@link #call}, {@link #echo}, {@link #add}). */
    public long requestsSent() {
        return requestsSent;
    }

    /** Answers returned by {@link #receive} so far. */
    public long answersReceived() {
        return answersReceived;
    }

    /** False after {@link #close()} or after a failure that closed the connection. */
    public boolean isOpen() {
        return open;
    }

    /**
     * Closes the connection without waiting for outstanding answers. Idempotent; never throws. Safe
     * from another thread (a watchdog): under TLS, closing sends close_notify, which would wait for a
     * write blocked on a server that reads nothing; then the TCP socket beneath is closed first.
     */
    @Override
    public void close() {
        if (open) {
            open = false;
            if (writing && tcp != socket) {
                closeQuietly(tcp, endpoint);
            }
            closeQuietly(socket, endpoint);
        }
    }

    private static void closeQuietly(Socket socket, String endpoint) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing the connection to {} failed", endpoint, e); // nothing left to release
        }
    }

    @Override
    public String toString() {
        return "EchoConnection[" + endpoint + ", " + config.framing().cliName() + (open ? "" : ", closed") + "]";
    }
}
