package dev.echo.client;

import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One call, across its attempts: the message, its deadline, the caller's future and where it is.
 *
 * <p>It ends exactly once ({@link #finish}), by an answer, a failure or its deadline; whichever comes
 * later of its end and its leaving the last connection's queue gives back its {@code maxInFlight}
 * permit, so that a timed-out request still counts until its late answer has been read and dropped.
 * The flags are guarded by this object's monitor, never held while a future completes.
 *
 * <p>It is the caller's future itself, keeps its operands rather than a {@code ClientMessage}, which
 * {@link RequestEncoder} does not need, and is its own deadline task ({@link #run()}): a call
 * allocates little. Stages depending on it are plain {@link CompletableFuture}s.
 */
final class Request<T> extends CompletableFuture<T> implements Runnable {
    /** The echo's text; null for an add. */
    final String text;
    final int a;
    final int b;
    final AnswerKind<T> kind;
    private final Dispatcher dispatcher;
    final long startNanos;
    final long deadlineNanos;

    /** Written by whoever holds the request (caller, then reader or retry thread); read by the timer. */
    volatile Connection connection;
    volatile long writtenNanos;
    volatile boolean everWritten;
    volatile int attempts;
    /** It was sent again once after a lost connection, free of the retry budget; any later resend takes a token. */
    volatile boolean resentAfterLoss;
    /** Its deadline's failure, set once the deadline ended it: a blocking call throws it without waiting for its delivery. */
    volatile RequestTimeoutException timedOutWith;
    /** The last reason it had to be sent again; told when it finally fails. */
    volatile String lastTrouble;
    volatile ScheduledFuture<?> timeout;

    private boolean done;
    private boolean queued;
    private boolean released;

    Request(Dispatcher dispatcher, String text, int a, int b, AnswerKind<T> kind, long startNanos,
            long deadlineNanos) {
        this.dispatcher = dispatcher;
        this.text = text;
        this.a = a;
        this.b = b;
        this.kind = kind;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * True if {@code value}, of this request's kind, can be its answer: an echo's own text, an add's
     * own sum (an overflow is an error answer). The protocol has no request ids, only order: any other
     * value is meant for another request (a server that answered twice or out of order).
     */
    boolean answeredBy(Object value) {
        return text != null ? text.equals(value) : value instanceof Integer sum && sum == (long) a + b;
    }

    /**
     * True if an error answer with {@code code} can be this request's own: ADD_OVERFLOW only for an add
     * whose sum does not fit an int32, EMPTY_REQUEST never (this client sends none); any other code
     * (a refusal, a frame too large for the server's limit, a code of a newer server) may answer any
     * request. No default: a code added to the protocol does not compile until it is placed here.
     */
    boolean answeredByError(ErrorResponse.Code code) {
        return switch (code) {
            case ADD_OVERFLOW -> text == null && (long) a + b != a + b;
            case EMPTY_REQUEST -> false;
            case MALFORMED_MESSAGE, FRAME_TOO_LARGE, SERVER_BUSY, SHUTTING_DOWN, CODE_UNSPECIFIED, UNRECOGNIZED -> true;
        };
    }

    /** {@code echo 'Hello'} or {@code add 10 20}, for messages. */
    String describe() {
        return text != null ? "echo " + Messages.describe(text) : "add " + a + " " + b;
    }

    /** The request goes into a connection's queue of answers to come; false if it already ended. */
    synchronized boolean enterQueue() {
        if (done) {
            return false;
        }
        queued = true;
        return true;
    }

    /** The request left a connection's queue; true if its permit is now to be given back. */
    synchronized boolean leaveQueue() {
        queued = false;
        return releaseIfSettled();
    }

    synchronized boolean isQueued() {
        return queued;
    }

    /** {@link #finish()}: another end came first; nothing to do. */
    static final int LOST = 0;
    /** {@link #finish()}: this end won; the permit stays taken until the request leaves its queue. */
    static final int WON = 1;
    /** {@link #finish()}: this end won and the caller gives the permit back. */
    static final int WON_RELEASE = 2;

    /** Ends the request, once: {@link #LOST}, {@link #WON} or {@link #WON_RELEASE}. */
    int finish() {
        int result;
        synchronized (this) {
            if (done) {
                return LOST;
            }
            done = true;
            result = releaseIfSettled() ? WON_RELEASE : WON;
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        return result;
    }

    /** True once it ended ({@link #finish}); not {@link #isDone()}, which is the caller's future's. */
    synchronized boolean ended() {
        return done;
    }

    private boolean releaseIfSettled() {
        if (done && !queued && !released) {
            released = true;
            return true;
        }
        return false;
    }

    /** The request as protobuf's message, for what {@link RequestEncoder} leaves to protobuf. */
    ClientMessage message() {
        return text != null ? Messages.echo(text) : Messages.add(a, b);
    }

    /** The deadline passed: the client's timer runs this. */
    @Override
    public void run() {
        dispatcher.timedOut(this);
    }

    /** {@code echo} or {@code add}, for messages. */
    String what() {
        return text != null ? "echo" : "add";
    }
}
