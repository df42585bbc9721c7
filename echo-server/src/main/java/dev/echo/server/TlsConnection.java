package dev.echo.server;

import dev.echo.core.Durations;
import dev.echo.core.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection in TLS: the JDK's {@link SSLSocket} layered over the accepted TCP socket, so that the
 * server keeps the TCP socket for what TLS cannot do from another thread. A blocked read is ended by
 * shutting the TCP input ({@code SSLSocket.shutdownInput()} throws before the peer's close_notify),
 * waiting input is what either layer holds ({@code available()} of the TLS stream counts only
 * decrypted bytes), the drain reads TCP (its records are dropped undecrypted), and a close closes TCP
 * (closing the {@code SSLSocket} writes a close_notify, which could wait behind a stalled write).
 * The TLS layer reads TCP through a {@link RecordHeaderCheckingInputStream}, which refuses what is
 * not TLS at its first record header and reads ahead, and where answers are flushed, before each
 * record ({@link #flushBeforeWaiting}).
 *
 * <p>The handshake runs on the connection's thread, never the accept thread, and is timed like a
 * read by the {@link ConnectionPhase}: past the handshake timeout the idle sweeper closes the
 * socket. Its first bytes are read first ({@link RecordHeaderCheckingInputStream#readStart}): a
 * client that does not start with a TLS handshake record header is told in clear text that the port
 * speaks TLS ({@link HandshakeFailure#NOT_TLS}). The connection counts its handshake, by result, and
 * its invalid records in the transport's {@link TlsCounters}.
 */
final class TlsConnection extends ConnectionTransport {
    private static final Logger log = LoggerFactory.getLogger(TlsConnection.class);
    private final TlsTransport transport;
    private final AtomicBoolean released = new AtomicBoolean();
    /** Null until the handshake is complete. */
    private volatile SSLSocket tls;
    /** The TCP input as the TLS layer reads it; null until the handshake starts. */
    private volatile RecordHeaderCheckingInputStream records;
    private volatile Thread connectionThread;

    TlsConnection(Socket socket, long id, TlsTransport transport) {
        super(socket, id);
        this.transport = transport;
    }

    @Override
    void open(ConnectionPhase phase) throws IOException {
        connectionThread = Thread.currentThread();
        try {
            handshake(phase);
        } catch (HandshakeException e) {
            throw failed(e);
        } catch (IOException e) { // outside the reads (the socket's options, the layering): counted all the same
            throw failed(failure(phase, e));
        }
        transport.counters().handshakeSucceeded();
    }

    private HandshakeException failed(HandshakeException e) {
        transport.counters().handshakeFailed(e.reason());
        if (e.reason() == HandshakeFailure.NOT_TLS) {
            tellNotTls();
        }
        return e;
    }

    private void handshake(ConnectionPhase phase) throws IOException {
        socket.setTcpNoDelay(true);
        long deadline = phase.beginHandshake(Durations.nanosSaturated(transport.handshakeTimeout()));
        boolean late = deadline - System.nanoTime() <= 0;
        if (late) {
            // It waited for a thread (a platform pool's queue) past its deadline. Silent all along: closed
            // at once. Its hello here, whole (checked below): a handshake deadline of its own from now.
            if (phase.closedByServer()) {
                throw new HandshakeException(HandshakeFailure.SERVER_STOPPED, "the server stopped before the handshake", null);
            }
            if (socket.getInputStream().available() == 0) {
                if (peerLeftWhileQueued()) {
                    throw new HandshakeException(HandshakeFailure.CLIENT_ABORTED, "the client left while waiting for a"
                            + " thread", null);
                }
                throw timeout(phase, null);
            }
            deadline = phase.beginHandshake(Durations.nanosSaturated(transport.handshakeTimeout()));
        }
        byte[] start;
        phase.deadlines().blockedUntil(deadline);
        try {
            start = RecordHeaderCheckingInputStream.readStart(socket.getInputStream());
        } catch (IOException e) {
            throw failure(phase, e);
        } finally {
            phase.deadlines().blockedUntil(ReadDeadlines.UNSET);
        }
        if (phase.deadlines().expired()) {
            throw timeout(phase, null);
        }
        if (!RecordHeaderCheckingInputStream.canStartHandshake(start, start.length)) {
            throw new HandshakeException(HandshakeFailure.NOT_TLS, "first bytes " + RecordHeaderCheckingInputStream.hex(start)
                    + " are not a TLS handshake record header (16 03 0x): a plain client?", null);
        }
        if (start.length < RecordHeaderCheckingInputStream.START_BYTES) {
            throw new HandshakeException(HandshakeFailure.CLIENT_ABORTED, start.length == 0
                    ? "closed before its handshake" : "closed during its handshake", null);
        }
        if (late) {
            start = firstRecordArrivedWhole(phase, start);
        }
        records = new RecordHeaderCheckingInputStream(start, socket.getInputStream());
        SSLSocket layered = transport.material().layer(socket, records);
        phase.deadlines().blockedUntil(deadline);
        try {
            layered.startHandshake();
        } catch (IOException e) {
            throw failure(phase, e);
        } finally {
            phase.deadlines().blockedUntil(ReadDeadlines.UNSET);
        }
        if (phase.deadlines().expired()) {
            throw timeout(phase, null);
        }
        records.handshakeComplete();
        tls = layered;
        if (log.isDebugEnabled()) {
            log.debug("connection {}: TLS {} {} with {}", id, layered.getSession().getProtocol(),
                    layered.getSession().getCipherSuite(), peerDescription(layered));
        }
    }

    /**
     * For a client taken past its deadline: {@code start} completed to its first record's header, if
     * that whole record (the hello) has arrived; else a timeout. Part of a hello buys no second
     * deadline, or each queued client trickling one would hold a thread twice. Reads only what has
     * arrived, so never waits.
     */
    private byte[] firstRecordArrivedWhole(ConnectionPhase phase, byte[] start) throws IOException {
        InputStream in = socket.getInputStream();
        int headerRest = RecordHeaderCheckingInputStream.HEADER_BYTES - start.length;
        if (in.available() < headerRest) {
            throw timeout(phase, null);
        }
        byte[] header = Arrays.copyOf(start, RecordHeaderCheckingInputStream.HEADER_BYTES);
        in.readNBytes(header, start.length, headerRest);
        if (in.available() < RecordHeaderCheckingInputStream.recordLength(header)) {
            throw timeout(phase, null);
        }
        return header;
    }

    private HandshakeException failure(ConnectionPhase phase, IOException e) {
        if (phase.deadlines().expired()) {
            return timeout(phase, e);
        }
        if (phase.closedByServer()) { // the stop closed the socket under the handshake: not the client's doing
            return new HandshakeException(HandshakeFailure.SERVER_STOPPED, "the server stopped during the handshake", e);
        }
        return new HandshakeException(HandshakeFailure.of(e), e.getMessage(), e);
    }

    private HandshakeException timeout(ConnectionPhase phase, IOException cause) {
        return new HandshakeException(HandshakeFailure.TIMEOUT, "no complete handshake within "
                + dev.echo.core.Durations.format(transport.handshakeTimeout()), cause);
    }

    private static String peerDescription(SSLSocket layered) {
        try {
            return describeClient(layered.getSession().getPeerPrincipal());
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return "no client certificate";
        }
    }

    /**
     * {@code client CN=...}, escaped: a subject is the client's text (certificate requests are often
     * the user's), and a CN with a line break and ESC forged a second line of the log, in colour (an
     * attacker's finding).
     */
    static String describeClient(java.security.Principal subject) {
        return "client " + Messages.printable(subject.getName());
    }

    @Override
    InputStream input() throws IOException {
        return established().getInputStream();
    }

    @Override
    OutputStream output() throws IOException {
        return established().getOutputStream();
    }

    private SSLSocket established() {
        SSLSocket layered = tls;
        if (layered == null) {
            throw new IllegalStateException("connection " + id + ": no TLS session before the handshake");
        }
        return layered;
    }

    /** Tells a client that is not speaking TLS so, in clear text: it may be one of ours without --tls. */
    private void tellNotTls() {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(transport.notTlsAnswer());
            out.flush();
            transport.notTlsAnswerSent();
        } catch (IOException e) {
            log.debug("connection {}: could not tell a client that is not speaking TLS so: {}", id, e.toString());
        }
    }

    @Override
    void invalidRecord() {
        transport.counters().badRecord();
    }

    /**
     * close_notify, then FIN. From another thread than the connection's (the sweeper, the shutdown)
     * on a virtual thread of its own: a close_notify can wait for room in a full send buffer, and
     * those threads serve every connection. Such a wait ends with the drain, which closes the socket.
     */
    @Override
    void shutOutput() {
        SSLSocket layered = tls;
        if (layered == null) {
            shutSocketOutput();
        } else if (Thread.currentThread() == connectionThread) {
            closeNotify(layered);
        } else {
            transport.sendCloseNotify(id, () -> closeNotify(layered));
        }
    }

    private void closeNotify(SSLSocket layered) {
        try {
            if (!socket.isClosed() && !layered.isOutputShutdown()) {
                layered.shutdownOutput(); // close_notify
            }
            shutSocketOutput(); // the FIN: a layered socket without autoClose leaves TCP to us
        } catch (IOException e) {
            log.debug("connection {}: sending close_notify failed: {}", id, e.toString());
            shutSocketOutput();
        }
    }

    /**
     * Answers are flushed where the TLS layer is about to read its next record or the socket: the
     * requests of one record are answered in one record, and every answer is sent before the JDK
     * meets a record that is not valid, whose fatal alert ends TLS's output at once.
     */
    @Override
    boolean flushBeforeWaiting(IoAction flush) {
        established();
        records.beforeRecord(flush);
        return true;
    }

    @Override
    boolean inputWaiting() throws IOException {
        RecordHeaderCheckingInputStream read = records;
        if (socket.isClosed() || socket.isInputShutdown() || socket.getInputStream().available() > 0
                || (read != null && read.buffered() > 0)) {
            return true;
        }
        SSLSocket layered = tls;
        return layered != null && layered.getInputStream().available() > 0;
    }

    @Override
    InputStream drainInput() throws IOException {
        return socket.getInputStream();
    }

    @Override
    void close() {
        super.close();
        if (released.compareAndSet(false, true)) {
            transport.released();
        }
    }
}
