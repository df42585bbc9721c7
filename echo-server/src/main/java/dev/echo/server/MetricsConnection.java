package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the metrics endpoint, run on its own virtual thread: one request read (its line
 * and headers, at most {@link MetricsEndpoint.Limits#maxHeadBytes}, all by {@link #deadlineNanos}),
 * one answer, then the end. Each read waits only until the deadline, so a client that trickles a byte
 * a second is cut at the deadline all the same; a write that the client does not take is cut by the
 * endpoint's sweep ({@link MetricsEndpoint}). A refusal is counted once, whoever sees it first.
 *
 * <p>The deadline is the client's, not the server's: bytes that had arrived by it still count (on a
 * machine whose cores are all busy this thread may run late), the time spent making the answer (a
 * scrape) is not held against the client: the deadline moves on by that time when the answer's write
 * starts ({@link #pastDeadline}).
 */
final class MetricsConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(MetricsConnection.class);
    /** At most this much is read and dropped after the answer, so that closing does not reset it away. */
    private static final int MAX_DRAIN_BYTES = 64 * 1024;
    private static final long MAX_DRAIN_WAIT_MILLIS = 1_000;

    private final Socket socket;
    private final SocketAddress peer;
    private final long admittedNanos;
    /** The exchange's; moved on by the time the server took to make the answer when its write starts. */
    private volatile long deadlineNanos;
    private final int maxHeadBytes;
    private final Function<HttpRequestLine, HttpAnswer> answers;
    private final MetricsRefusals refusals;
    private final Consumer<MetricsConnection> onClose;
    private final AtomicBoolean counted = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean requestRead;
    /** Set once the answer is being written: before that, after the request is read, the server is making it. */
    private volatile boolean writing;
    /** Set once the answer is written and our side shut: only the client's close is awaited. */
    private volatile boolean draining;
    private volatile Thread thread;
    /** How long past the deadline the sweep waits for a reading connection's own 408. */
    static final long READ_BACKSTOP_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * @param windowNanos how long the client has for the exchange, from now, less the time the server
     *     takes to make the answer
     * @param onClose told once when the socket is closed (by this connection or by the endpoint)
     */
    MetricsConnection(Socket socket, long windowNanos, int maxHeadBytes, Function<HttpRequestLine, HttpAnswer> answers,
                      MetricsRefusals refusals, Consumer<MetricsConnection> onClose) {
        this.socket = socket;
        this.peer = socket.getRemoteSocketAddress();
        this.admittedNanos = System.nanoTime();
        this.deadlineNanos = admittedNanos + windowNanos;
        this.maxHeadBytes = maxHeadBytes;
        this.answers = answers;
        this.refusals = refusals;
        this.onClose = onClose;
    }

    /**
     * True if the client is past its deadline at {@code nowNanos} by more than {@code slackNanos}: not
     * while the server makes the answer, nor while this connection's thread waits for a core rather
     * than for the client (runnable, or not started yet).
     */
    boolean pastDeadline(long nowNanos, long slackNanos) {
        // The flags first: the connection's thread moves the deadline before it sets writing.
        if (requestRead && !writing) {
            return false;
        }
        // While the request is read, this thread's own timed read ends at the deadline and answers 408:
        // the sweep is only its backstop, a second on. With the write's slack, a read timer that fired
        // late on busy cores lost the 408 to a bare close (busy-verify, once).
        long slack = requestRead ? slackNanos : Math.max(slackNanos, READ_BACKSTOP_NANOS);
        if (deadlineNanos + slack - nowNanos > 0) {
            return false;
        }
        Thread current = thread;
        return current != null && !VirtualThreadState.runnable(current);
    }

    /** True once answered and our side shut: {@link Standing#DRAINING}, read without a system call. */
    boolean draining() {
        return draining;
    }

    /**
     * Where this connection stands at the endpoint's connection bound at {@code nowNanos}, for
     * {@link MetricsEndpoint#victim}; a connection admitted less than {@code graceNanos} ago that has
     * sent nothing is a {@link Standing#NEWCOMER}. Asked by the accept thread.
     */
    Standing standing(long nowNanos, long graceNanos) {
        if (draining) {
            return Standing.DRAINING;
        }
        if (requestRead) {
            return Standing.ANSWERING;
        }
        if (inputWaiting()) {
            return Standing.REQUEST_WAITING;
        }
        return admittedWithin(nowNanos, graceNanos) ? Standing.NEWCOMER : Standing.HOLDING;
    }

    /**
     * Where a connection stands, in the order they are closed for a newcomer at the bound: the first
     * loses nothing, the last would refuse a client being served; among equals the oldest goes first.
     */
    enum Standing {
        /**
         * Answered and our side shut; only the client's close is awaited. Closing it loses nothing
         * unless the client sent more than its request: the answer is with the kernel, which still
         * delivers it after a close with nothing unread (with something unread, it resets).
         */
        DRAINING,
        /** Past {@link MetricsEndpoint#NEWCOMER_GRACE}, its request unfinished and nothing unread: held on purpose, likely. */
        HOLDING,
        /** Admitted just now, nothing sent yet: may be a prober whose write has not had a core. */
        NEWCOMER,
        /** Its request (or part) waits unread: its thread has not had its turn yet. */
        REQUEST_WAITING,
        /** Its request read whole: being answered. */
        ANSWERING
    }

    /**
     * True if the client has sent bytes this connection's thread has not read yet: on a busy machine,
     * a thread not yet run. Asked by the accept thread; a socket error says no.
     */
    boolean inputWaiting() {
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True if admitted less than {@code ageNanos} before {@code nowNanos}: a client that has not sent
     * yet may be one whose write has not had its turn (a busy machine), not one holding the endpoint.
     */
    boolean admittedWithin(long nowNanos, long ageNanos) {
        return nowNanos - admittedNanos < ageNanos;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            exchange();
        } catch (IOException | RuntimeException e) {
            // Mostly a peer gone, or a socket closed by the sweep or by close(): nothing to tell beyond DEBUG.
            log.debug("metrics request from {} ended: {}", peer, e.toString());
        } finally {
            close();
        }
    }

    private void exchange() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] head = new byte[maxHeadBytes];
        int length = 0;
        int lineEnd = -1;
        while (true) {
            int end = endOfHead(head, length);
            if (end >= 0) {
                break;
            }
            if (length == head.length) {
                refuse(MetricsRefusals.Reason.TOO_LARGE, HttpAnswer.text(431,
                        "request line and headers over " + maxHeadBytes + " bytes\n"));
                return;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                int arrived = in.available(); // what came by the deadline counts, however late this thread ran
                if (arrived > 0) {
                    length += in.read(head, length, Math.min(arrived, head.length - length));
                    continue;
                }
                refuse(MetricsRefusals.Reason.TIMEOUT, HttpAnswer.text(408, "request not complete in time\n"));
                return;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining) + 1)));
            int n;
            try {
                n = in.read(head, length, head.length - length);
            } catch (SocketTimeoutException e) {
                continue; // the deadline is checked above
            }
            if (n < 0) {
                return; // the client left before its request was whole: its choice, not a refusal
            }
            length += n;
        }
        long readAt = System.nanoTime();
        requestRead = true;
        for (int i = 0; i < length; i++) {
            if (head[i] == '\n') {
                lineEnd = i > 0 && head[i - 1] == '\r' ? i - 1 : i;
                break;
            }
        }
        HttpRequestLine request = HttpRequestLine.parse(new String(head, 0, lineEnd, StandardCharsets.ISO_8859_1));
        if (request == null) {
            refuse(MetricsRefusals.Reason.MALFORMED, HttpAnswer.text(400, "not an HTTP/1.x request\n"));
            return;
        }
        byte[] answer = answers.apply(request).encode();
        deadlineNanos += System.nanoTime() - readAt; // making the answer was the server's time
        writing = true;
        socket.getOutputStream().write(answer);
        answered(); // from here, a cut by the sweep is no refusal: the answer is out
        endAndDrain();
    }

    /**
     * The index just past the blank line ending the head in {@code bytes[0, length)} (CRLF CRLF, or
     * LF LF from a lenient client), or -1 if it has not come yet.
     */
    static int endOfHead(byte[] bytes, int length) {
        for (int i = 1; i < length; i++) {
            if (bytes[i] == '\n') {
                if (bytes[i - 1] == '\n') {
                    return i + 1;
                }
                if (i >= 3 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private void refuse(MetricsRefusals.Reason reason, HttpAnswer answer) throws IOException {
        if (count(reason)) {
            log.debug("metrics request from {} refused: {}", peer, reason.label);
        }
        deadlineNanos = Math.max(deadlineNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_DRAIN_WAIT_MILLIS));
        writing = true;
        socket.getOutputStream().write(answer.encode());
        endAndDrain();
    }

    /**
     * Ends the output after the answer, and reads what the client still sends until it closes
     * (briefly: a close with unread input would reset the connection and could lose the answer).
     */
    private void endAndDrain() throws IOException {
        socket.shutdownOutput();
        draining = true;
        InputStream in = socket.getInputStream();
        long drainEnd = Math.min(deadlineNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_DRAIN_WAIT_MILLIS));
        byte[] sink = new byte[4096];
        int drained = 0;
        while (drained < MAX_DRAIN_BYTES) {
            long remaining = drainEnd - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
            int n;
            try {
                n = in.read(sink);
            } catch (SocketTimeoutException e) {
                return;
            }
            if (n < 0) {
                return;
            }
            drained += n;
        }
    }

    /** Counts a refusal for {@code reason} unless this connection already counted one; true if it did now. */
    boolean count(MetricsRefusals.Reason reason) {
        if (counted.compareAndSet(false, true)) {
            refusals.refused(reason);
            return true;
        }
        return false;
    }

    /** Counts this connection as answered (no refusal can be counted for it any more). */
    private void answered() {
        counted.set(true);
    }

    /** Closes the socket, ending any read or write in progress; harmless if closed already. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("closing a metrics connection from {} failed: {}", peer, e.toString());
            }
            onClose.accept(this);
        }
    }
}
