package dev.echo.client;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.FrameException;
import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Messages;
import dev.echo.core.TruncatedFrameException;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.ClientTls;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;

/**
 * One socket of an {@link EchoClient}, shared by every calling thread: requests are written under one
 * lock and queued in the order written; one virtual thread reads the answers, which come in that same
 * order, and hands each to the {@link Dispatcher} with the request at the head of the queue.
 *
 * <p>A request that timed out stays in the queue, so its late answer is matched to it and dropped.
 * When the connection ends, whatever is still queued is handed back to the dispatcher once, by the
 * reader, after new writes are shut out under the lock.
 *
 * <p>Writers flush only when no other writer is waiting for the lock: under load the last of a
 * burst flushes for all of them, so pipelined requests share system calls; alone, each flushes at
 * once.
 */
final class Connection {
    private final Dispatcher dispatcher;
    final Address address;
    final String endpoint;
    private final Socket socket;
    /** The TCP socket beneath {@link #socket} under TLS, else the same socket. */
    private final Socket tcp;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Request<?>> awaiting = new ConcurrentLinkedQueue<>();
    /** Guarded by writeLock. */
    private final RequestEncoder encoder = new RequestEncoder();
    /** The reader's own. */
    private final AnswerDecoder decoder = new AnswerDecoder();
    /** The reader's request between taking it from {@link #awaiting} and handing its answer on; the reader's own. */
    private Request<?> inHand;
    /** Guarded by writeLock: no request may join the queue once the reader has emptied it. */
    private boolean closed;
    /** Guarded by writeLock: bytes written to {@link #writer} and not flushed yet. */
    private boolean unflushed;
    /** False once closing or told SHUTTING_DOWN: no new requests are given to it. */
    private volatile boolean usable = true;
    /** Why it was closed by us, if it was; told to the requests it loses. */
    private volatile String abandonedBecause;
    private volatile long lastAnswerNanos = System.nanoTime();
    private volatile boolean answeredAny;
    private final boolean onProbation;
    /** Open until the reader has ended and handed back what was unanswered. */
    private final CountDownLatch readerEnded = new CountDownLatch(1);
    /** How long a failed TLS write leaves the reader to read the alert that may explain it. */
    private static final long ALERT_WAIT_MILLIS = 1_000;
    /** How long a server that said SHUTTING_DOWN may keep the connection open. */
    static final long DRAIN_WAIT_MILLIS = 1_000;

    /**
     * @param onProbation the address's last connection answered nothing (a server that takes
     *     connections and requests but never answers): this one takes one request at a time until it
     *     has answered one, so that the requests go to the addresses that answer
     */
    Connection(Dispatcher dispatcher, Address address, ClientTls.Connected connected, boolean onProbation)
            throws IOException {
        this.dispatcher = dispatcher;
        this.onProbation = onProbation;
        this.address = address;
        this.endpoint = address.endpoint;
        this.socket = connected.socket();
        this.tcp = connected.tcp();
        ClientConfig config = dispatcher.config;
        this.reader = config.framing().newReader(socket.getInputStream(), config.maxFrameBytes());
        this.writer = config.framing().newWriter(socket.getOutputStream());
    }

    void start() {
        Thread.ofVirtual().name("echo-client-reader " + endpoint).start(this::readLoop);
    }

    boolean usable() {
        return usable;
    }

    /**
     * True if a new request may come here: usable, and not on probation with a request of its own
     * outstanding. Requests that find no such connection wait; the probation's first answer sends them.
     */
    boolean takesRequests() {
        return usable && (!onProbation || answeredAny || awaiting.isEmpty());
    }

    /**
     * True if this connection was on probation (the address's last one answered nothing) and answered
     * nothing either: its lost requests are no crash's to resend for free, see {@code Dispatcher.retry}.
     */
    boolean answeredNothingOnProbation() {
        return onProbation && !answeredAny;
    }

    /** When the last answer came (or the connection opened). */
    long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    /**
     * Queues and writes {@code request}; false if this connection no longer takes requests (nothing
     * done). A write that fails closes the connection, and the request comes back as lost with the
     * others.
     */
    boolean send(Request<?> request) {
        writeLock.lock();
        try {
            if (closed || !usable) {
                return false;
            }
            if (!request.enterQueue()) {
                return true; // it ended (its deadline) while looking for a connection: nothing to send
            }
            awaiting.add(request);
            request.connection = this;
            request.writtenNanos = System.nanoTime();
            request.everWritten = true;
            try {
                int length = encoder.encode(request);
                if (length >= 0) {
                    writer.writeSerialized(encoder.buffer, 0, length);
                } else {
                    writer.write(request.message());
                }
                unflushed = true;
            } catch (IOException e) {
                cannotSend(e);
            }
            return true;
        } finally {
            flushUnlessAWriterWaits();
            writeLock.unlock();
        }
    }

    /**
     * Flushes what was written, unless another writer waits for the lock: it flushes after its own
     * write. On every way out of {@link #send}, the early returns included: a writer that found the
     * connection no longer taking requests, or its request ended, returned without flushing, and the
     * request written before it stayed in the buffer until it timed out (a helper's reading).
     */
    private void flushUnlessAWriterWaits() {
        if (unflushed && !closed && !writeLock.hasQueuedThreads()) {
            unflushed = false;
            try {
                writer.flush();
            } catch (IOException e) {
                cannotSend(e);
            }
        }
    }

    private void cannotSend(IOException e) {
        String why = endpoint + ": cannot send: " + e.getMessage();
        if (tcp != socket) {
            abandonUnlessTheReaderEnds(why);
        } else {
            abandon(why);
        }
    }

    /** Applies {@code action} to each request written here and not yet answered (weakly consistent). */
    void forEachAwaiting(java.util.function.Consumer<Request<?>> action) {
        awaiting.forEach(action);
    }

    /**
     * The server said SHUTTING_DOWN: it will end this connection; new requests go elsewhere. The
     * address opens no other connection until this one ends, so one the server keeps open is closed
     * after {@link #DRAIN_WAIT_MILLIS}: a server that held it made every later call time out, never
     * written, "(closing)" (an attacker's finding). Ours closes at once after the answer.
     */
    void drain() {
        if (usable) {
            usable = false;
            dispatcher.later(DRAIN_WAIT_MILLIS, () -> abandon(endpoint + ": said SHUTTING_DOWN and kept the connection"
                    + " open for " + DRAIN_WAIT_MILLIS + " ms; closed"));
        }
    }

    /** Closes the socket; the reader then hands back what is queued. Any thread; idempotent; never waits on the peer. */
    void abandon(String why) {
        usable = false;
        if (abandonedBecause == null) {
            abandonedBecause = why;
        }
        if (tcp != socket && !closeNotifyCannotWait()) {
            // Closing the SSLSocket would first send close_notify, which waits for a write blocked on a
            // peer that reads nothing (and then for room itself): closing TCP ends both at once.
            closeQuietly(tcp);
        }
        closeQuietly(socket);
    }

    /**
     * True if a close_notify can be sent now without waiting: no write is under way (nor can one
     * start, its caller sees {@code usable} false) and every request was answered, so the peer has
     * read all we sent and the send buffer has room.
     */
    private boolean closeNotifyCannotWait() {
        if (!writeLock.tryLock()) {
            return false;
        }
        try {
            return awaiting.isEmpty();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Under TLS a write can fail because the server refused us with an alert (a TLS 1.3 server judges
     * our certificate after our handshake ended) that the reader is about to read: closing the socket
     * now would lose it and the caller would hear "cannot send" instead of why. So no new requests
     * come here, and the socket is closed only if the reader has not ended within a second.
     */
    private void abandonUnlessTheReaderEnds(String why) {
        usable = false;
        Thread.ofVirtual().name("echo-client-abandon").start(() -> {
            try {
                if (readerEnded.await(ALERT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            abandon(why);
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release: the reader ends either way
        }
    }

    private void readLoop() {
        String why;
        String refusal = null;
        String notRetried = null;
        try {
            why = readAnswers();
        } catch (TruncatedFrameException e) {
            // The connection ended inside an answer: lost, as one reset there is; its request (still at
            // the head of the queue) goes again. It failed as a bad answer, never retried.
            why = endpoint + ": connection ended inside an answer (" + e.getMessage() + ")";
        } catch (FrameException e) {
            why = dispatcher.protocolError(endpoint + ": bad answer frame: " + e.getMessage());
            dispatcher.badAnswer(awaiting.poll(), why, e);
        } catch (IOException e) {
            // Under TLS 1.3 the server judges our certificate after our handshake ended, so its
            // refusal (certificate_required, unknown_ca) arrives here, on the first read.
            // The refusal wins over our own reason: a writer that found the socket closed by it
            // ("cannot send: Connection or outbound has closed") may have abandoned it first.
            why = e instanceof SSLException ? endpoint + ": " + ClientTls.explain(e)
                    : abandonedBecause != null ? abandonedBecause
                    : endpoint + ": connection lost: " + e.getMessage();
            // A fatal alert before any answer is the server's verdict on this client (its certificate,
            // its protocols): sending the same requests again gets the same verdict. After answers it is
            // a connection failure like another (a record damaged on the way: bad_record_mac), and the
            // requests go again (a helper's attack: they failed "not retried" on a healthy server).
            // Garbage before any answer (text, a forged record) is treated as a refusal: see TlsRefusal.
            notRetried = !answeredAny && e instanceof SSLException ? TlsRefusal.notRetriedBecause(e) : null;
            if (notRetried != null) {
                refusal = ClientTls.explain(e);
            }
        } catch (RuntimeException | Error e) {
            // An OutOfMemoryError while the answer is decoded, most likely: the request in hand is out of
            // the queue, where neither the deadline sweep nor close() would find it, and holds a permit.
            why = endpoint + ": reader failed: " + e;
            dispatcher.badAnswer(inHand != null ? inHand : awaiting.poll(), why, e);
        }
        end(why, refusal, notRetried);
    }

    /** Reads until the connection ends or breaks the protocol; returns why it ended. */
    private String readAnswers() throws IOException {
        while (true) {
            if (reader.nextFrame() < 0) {
                return abandonedBecause != null ? abandonedBecause : endpoint + " closed the connection";
            }
            Request<?> request = awaiting.poll();
            inHand = request;
            if (request != null && decoder.decode(reader, request.kind)) { // the common case, read by hand
                answerArrived();
                String broken = dispatcher.answeredWith(this, request, decoder.value());
                inHand = null;
                if (broken != null) {
                    return broken; // counted as a protocol error by the dispatcher
                }
                continue;
            }
            ServerMessage answer;
            try {
                answer = reader.parseFrame(Messages.answerParser());
            } catch (InvalidProtocolBufferException e) {
                String why = dispatcher.protocolError(
                        endpoint + ": answer is not a valid ServerMessage: " + Messages.unparsable(e));
                dispatcher.badAnswer(request, why, e);
                inHand = null;
                return why;
            }
            if (request == null) {
                return dispatcher.protocolError(endpoint + " sent an answer to no request: " + answer.getMessageCase());
            }
            answerArrived();
            String broken = dispatcher.answered(this, request, answer);
            inHand = null;
            if (broken != null) {
                return broken;
            }
        }
    }

    private void answerArrived() {
        lastAnswerNanos = System.nanoTime();
        if (!answeredAny) {
            answeredAny = true;
            if (onProbation) {
                // Not on this reader: a dispatch may block on another connection's write.
                Thread.ofVirtual().name("echo-client-probation-passed").start(dispatcher::pumpWaiting);
            }
        }
    }

    /**
     * @param refusal the server's refusal of this client (a TLS alert, or data not TLS of the session,
     *     before any answer), or null
     * @param notRetried why the refusal's requests are not sent again, with {@code refusal}
     */
    private void end(String why, String refusal, String notRetried) {
        readerEnded.countDown();
        abandon(why); // first: a writer blocked on a full socket holds the lock until the socket closes
        writeLock.lock();
        try {
            closed = true;
            usable = false;
            writer.release();
        } finally {
            writeLock.unlock();
        }
        reader.release();
        List<Request<?>> lost = new ArrayList<>();
        for (Request<?> request; (request = awaiting.poll()) != null; ) {
            lost.add(request);
        }
        if (refusal != null) {
            dispatcher.refused(lost, why, notRetried);
        } else {
            dispatcher.lost(this, lost, why);
        }
        address.ended(this, answeredAny, refusal);
    }

    @Override
    public String toString() {
        return "Connection[" + endpoint + (usable ? "" : ", closing") + ", awaiting " + awaiting.size() + "]";
    }
}
