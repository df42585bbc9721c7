package dev.echo.client;

import dev.echo.core.Durations;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The client's machinery behind {@link EchoClient}: takes a {@code maxInFlight} permit and sets a
 * deadline for each call, gives it to a usable connection (round robin over the addresses) or keeps
 * it until one is up, and decides what each answer, lost connection and deadline means: complete,
 * retry, or fail with a typed exception.
 *
 * <p>Deadlines: one timer thread sweeps every connection's queue of written requests every {@link
 * #SWEEP_MILLIS} ms and fails those past their deadline, so that the common call (written at once,
 * answered) costs no timer task; a request that has to wait for a connection or is sent again gets a
 * task of its own on the same timer, since it is in no connection's queue meanwhile.
 *
 * <p>Futures are completed only after the request's state is settled and with no lock of ours held:
 * on a connection's reader thread (answers), a virtual thread of its own (deadlines: never the timer
 * thread, which every deadline needs), a retry thread (lost connections) or the calling thread (a
 * call that could not start).
 */
final class Dispatcher {
    final ClientConfig config;
    final ClientCounters counters = new ClientCounters();
    private final RetryBudget budget;
    private final Semaphore permits;
    private final ScheduledThreadPoolExecutor timer;
    private final long timeoutNanos;
    private final String timeoutText;
    private volatile List<Address> addresses = List.of();
    private final AtomicInteger nextAddress = new AtomicInteger();
    /** Requests that found no usable connection; sent when one comes up. */
    private final ConcurrentLinkedQueue<Request<?>> waiting = new ConcurrentLinkedQueue<>();
    /**
     * Ends under way: counted before a request can end, since its permit may go back before its future
     * is complete (a deadline's failure is delivered on a thread of its own), and uncounted once the
     * future and the stages it runs are done. close() waits for these as for the permits.
     */
    private final AtomicInteger ending = new AtomicInteger();
    /** How many of {@link #ending} this thread is inside: close() from a dependent stage does not wait for itself. */
    private final ThreadLocal<int[]> endingHere = ThreadLocal.withInitial(() -> new int[1]);
    /** No new calls: close() began. */
    private volatile boolean closing;
    /** Everything still outstanding fails: close() stopped waiting. */
    private volatile boolean stopped;

    Dispatcher(ClientConfig config) {
        this.config = config;
        this.budget = new RetryBudget(config.retryBudget());
        this.permits = new Semaphore(config.maxInFlight());
        this.timeoutNanos = Durations.nanosSaturated(config.requestTimeout());
        this.timeoutText = Durations.format(config.requestTimeout());
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "echo-client-timer");
            t.setDaemon(true); // a client someone forgot to close must not keep the JVM alive
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled deadlines leave the queue at once
        timer.scheduleWithFixedDelay(this::sweepDeadlines, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** How often written requests are checked against their deadlines: a call fails at most this late. */
    static final long SWEEP_MILLIS = 10;

    /** Fails the written requests whose deadline passed; the timer runs it every {@link #SWEEP_MILLIS} ms. */
    private void sweepDeadlines() {
        try {
            // Requests that ended while waiting for a connection (their own deadline passed) leave the
            // queue only when one comes up: through an outage of minutes they piled up, a kilobyte
            // each, 300 MiB after 300,000 calls (an attacker's finding).
            if (!waiting.isEmpty()) {
                waiting.removeIf(Request::ended);
            }
            long now = System.nanoTime();
            for (Address address : addresses) {
                Connection connection = address.current();
                if (connection != null) {
                    connection.forEachAwaiting(request -> {
                        if (now - request.deadlineNanos >= 0 && !request.ended()) {
                            timedOut(request);
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            // never: but a periodic task that throws is never run again, and every deadline with it
        }
    }

    /**
     * Gives {@code request} a deadline task of its own: it waits in no connection's queue for a while
     * (no usable connection, or about to be sent again). Runs it at once if the deadline passed.
     */
    private void ownDeadline(Request<?> request) {
        if (request.timeout != null || request.ended() || stopped) {
            return;
        }
        try {
            request.timeout = timer.schedule(request, request.deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return; // close() shut the timer down since the check above: it fails what is outstanding
        }
        if (request.ended()) {
            request.timeout.cancel(false);
        }
    }

    /** Runs {@code action} on the timer thread after {@code millis}; not at all once the client closed. */
    void later(long millis, Runnable action) {
        try {
            timer.schedule(action, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: the connections are closed with it
        }
    }

    void addresses(List<Address> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    List<Address> addresses() {
        return addresses;
    }

    boolean stopped() {
        return stopped;
    }

    boolean closing() {
        return closing;
    }

    /**
     * Starts a call: waits for a permit (at most until the deadline), then sends it. The returned
     * request's future completes exactly once.
     */
    <T> Request<T> submit(String text, int a, int b, AnswerKind<T> kind) {
        long start = System.nanoTime();
        Request<T> request = new Request<>(this, text, a, b, kind, start, start + timeoutNanos);
        counters.call();
        if (closing) {
            fail(request, new ClientClosedException("the client is closed: " + request.what() + " not sent"), false);
            return request;
        }
        try {
            if (!permits.tryAcquire() && !permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                fail(request, new RequestTimeoutException(request.what() + " request timed out after " + timeoutText
                        + ", never written: " + config.maxInFlight() + " requests (maxInFlight) outstanding all along",
                        false), false);
                return request;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(request, new EchoClientException("interrupted waiting to send " + request.what()), false);
            return request;
        }
        askRefusedAddresses();
        dispatch(request); // its deadline: the sweep once written, else ownDeadline
        return request;
    }

    /**
     * A call is made or waits: each address its server refused with a TLS alert gets an attempt at
     * its backoff's end, if none is pending (one volatile read per address otherwise). See {@link
     * ReconnectOnDemand}.
     */
    private void askRefusedAddresses() {
        for (Address address : addresses) {
            address.onDemand.wanted();
        }
    }

    /** Gives {@code request} to a usable connection, or keeps it waiting for one. */
    private void dispatch(Request<?> request) {
        while (!request.ended()) {
            if (stopped) {
                fail(request, new ClientClosedException("the client closed before " + request.what() + " was answered"),
                        true);
                return;
            }
            Connection connection = pick();
            if (connection == null) {
                ownDeadline(request);
                waiting.add(request);
                askRefusedAddresses(); // after the add: an attempt that just ended looks at the queue after it
                if (stopped) {
                    // close() may have emptied the queue between the check above and the add, and its
                    // timer may be gone with this request's deadline: the call would never end.
                    failWaiting();
                    return;
                }
                if (pick() != null) { // a connection came up meanwhile and may have missed it
                    pumpWaiting();
                }
                return;
            }
            request.attempts++;
            if (connection.send(request)) {
                counters.sent();
                return;
            }
            request.attempts--; // that connection closed meanwhile: nothing was written
        }
    }

    /** Sends the waiting requests while a connection is usable; called whenever one comes up. */
    void pumpWaiting() {
        for (Request<?> request; pick() != null && (request = waiting.poll()) != null; ) {
            dispatch(request);
        }
    }

    private Connection pick() {
        List<Address> all = addresses;
        int n = all.size();
        int first = n == 1 ? 0 : Math.floorMod(nextAddress.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Connection c = all.get((first + i) % n).usableConnection();
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /**
     * The answer for {@code request}, of its kind and no error, as {@link AnswerDecoder} read it: the
     * common case, without a {@code ServerMessage}. Returns null, or why the connection must close
     * (an answer meant for another request).
     */
    String answeredWith(Connection connection, Request<?> request, Object value) {
        boolean release = request.leaveQueue();
        try {
            if (request.ended()) {
                return lateAnswer(connection, request, value);
            }
            budget.deposit();
            return completeIfItsOwn(connection, request, value);
        } finally {
            if (release) {
                permits.release();
            }
        }
    }

    /**
     * The answer for {@code request}, the head of {@code connection}'s queue. Returns null, or why the
     * connection must close (an answer of the wrong kind, or meant for another request).
     */
    String answered(Connection connection, Request<?> request, ServerMessage answer) {
        boolean release = request.leaveQueue();
        try {
            if (request.ended()) {
                if (answer.hasError()) {
                    counters.lateAnswer();
                    return request.answeredByError(answer.getError().getCode()) ? null
                            : notItsError(connection, request, answer.getError(), ", which had timed out");
                }
                Object value = request.kind.valueOf(answer);
                if (value == null) {
                    counters.lateAnswer();
                    return wrongKind(connection, request, answer);
                }
                return lateAnswer(connection, request, value);
            }
            budget.deposit();
            if (answer.hasError()) {
                ErrorResponse error = answer.getError();
                if (!request.answeredByError(error.getCode())) {
                    String why = notItsError(connection, request, error, "");
                    fail(request, new BadAnswerException(why), true);
                    return why;
                }
                if (error.getCode() == ErrorResponse.Code.SHUTTING_DOWN) {
                    connection.drain();
                    retryLater(List.of(request), connection.endpoint + " is shutting down",
                            () -> ServerErrorException.of(error), true);
                    return null;
                }
                complete(request, null, ServerErrorException.of(error));
                return null;
            }
            Object value = request.kind.valueOf(answer);
            if (value == null) {
                String why = wrongKind(connection, request, answer);
                fail(request, new BadAnswerException(why), true);
                return why;
            }
            return completeIfItsOwn(connection, request, value);
        } finally {
            if (release) {
                permits.release();
            }
        }
    }

    /**
     * The answer of {@code request}, which ended already (timed out), is dropped here, never given to
     * another. It is checked all the same: a server that skipped an answer has every later one off by
     * one, and taking the next request's answer as this one's late answer would go on giving each
     * request its successor's. Returns null, or why the connection must close.
     *
     * @param value the answer's value, of the request's kind
     */
    private String lateAnswer(Connection connection, Request<?> request, Object value) {
        counters.lateAnswer();
        if (request.answeredBy(value)) {
            return null;
        }
        return protocolError(connection.endpoint + ": answered " + describeValue(value) + " to " + request.describe()
                + ", which had timed out: an answer meant for another request (answered twice or out of order)");
    }

    /**
     * Why the connection must close after {@code error}, which cannot be {@code request}'s (an
     * ADD_OVERFLOW for an echo or a sum that fits): a server that answered twice or out of order.
     */
    private String notItsError(Connection connection, Request<?> request, ErrorResponse error, String late) {
        return protocolError(connection.endpoint + ": answered error " + error.getCode() + " to " + request.describe()
                + late + ": an answer meant for another request (answered twice or out of order)");
    }

    /** Why the connection must close after {@code answer}, not of {@code request}'s kind. */
    private String wrongKind(Connection connection, Request<?> request, ServerMessage answer) {
        return protocolError(connection.endpoint + ": expected an " + request.what() + " answer, got "
                + answer.getMessageCase());
    }

    private static String describeValue(Object value) {
        return value instanceof String text ? "echo " + Messages.describe(text) : "add_response " + value;
    }

    /**
     * Null if {@code value} can be {@code request}'s own answer; else fails it and returns why the
     * connection must close: its answers are off by one or more, so none after it can be trusted.
     */
    private String notItsOwn(Connection connection, Request<?> request, Object value) {
        if (request.answeredBy(value)) {
            return null;
        }
        String why = protocolError(connection.endpoint + ": answered " + describeValue(value) + " to "
                + request.describe() + ": an answer meant for another request (answered twice or out of order)");
        fail(request, new BadAnswerException(why), true);
        return why;
    }

    /** Completes {@code request} with {@code value}; or, if it cannot be its answer, returns why the connection must close. */
    private String completeIfItsOwn(Connection connection, Request<?> request, Object value) {
        String notItsOwn = notItsOwn(connection, request, value);
        if (notItsOwn != null) {
            return notItsOwn;
        }
        complete(request, value, null);
        return null;
    }

    /** A frame that could not be read or parsed was the answer to {@code request} (null: to none). */
    void badAnswer(Request<?> request, String why, Throwable cause) {
        if (request == null) {
            return;
        }
        boolean release = request.leaveQueue();
        fail(request, new BadAnswerException(why, cause), true);
        if (release) {
            permits.release();
        }
    }

    /** {@code connection} ended with {@code requests} unanswered: each is sent again, or fails. */
    void lost(Connection connection, List<Request<?>> requests, String why) {
        List<Request<?>> open = new java.util.ArrayList<>(requests.size());
        for (Request<?> request : requests) {
            if (request.leaveQueue()) {
                permits.release();
            }
            if (!request.ended()) {
                open.add(request);
            }
        }
        if (!open.isEmpty()) {
            retryLater(open, why, null, connection.answeredNothingOnProbation());
        }
    }

    /**
     * The server refused this client with a TLS alert, or sent data that is not TLS of the session, before
     * any answer: {@code requests} fail at once, not retried, {@code because} says why.
     */
    void refused(List<Request<?>> requests, String why, String because) {
        for (Request<?> request : requests) {
            boolean release = request.leaveQueue();
            fail(request, new ConnectionLostException(why + " (not retried: " + because + ")"), true);
            if (release) {
                permits.release();
            }
        }
    }

    /**
     * Retries on a virtual thread: the caller is a reader, which must not block on another
     * connection's write. {@code refusal} makes the server's error answer to end it with if it cannot retry (null: lost).
     */
    private void retryLater(List<Request<?>> requests, String why,
                            java.util.function.Supplier<ServerErrorException> refusal, boolean charged) {
        Thread.ofVirtual().name("echo-client-retry").start(() -> {
            for (Request<?> request : requests) {
                retry(request, why, refusal, charged);
            }
        });
    }

    /** @param charged the resend takes a budget token even if it is the request's first after a lost connection */
    private void retry(Request<?> request, String why, java.util.function.Supplier<ServerErrorException> refusal,
                       boolean charged) {
        request.lastTrouble = why;
        if (request.ended()) {
            return;
        }
        if (stopped) {
            fail(request, new ClientClosedException("the client closed before " + request.what() + " was answered ("
                    + why + ")"), true);
            return;
        }
        ownDeadline(request); // in no queue until dispatched; at once if its deadline passed
        if (System.nanoTime() - request.deadlineNanos >= 0) {
            return; // the timer fails it, as timed out
        }
        // A request's first resend after a lost connection is free: a crash loses a whole pipeline, up to
        // maxInFlight requests, and charging each spent the default budget (1000, against 1024 in
        // flight) in one crash and lost 924 calls in a second one soon after (a helper's attack). What
        // the budget throttles is a request lost again, SHUTTING_DOWN answered again and again, and
        // what a connection on probation lost without answering anything: a server that resets every
        // connection got two sends per call for as long as it did so (a helper's review).
        boolean free = !charged && refusal == null && config.retries() && !request.resentAfterLoss;
        String refused = request.attempts >= config.maxAttempts()
                ? " (attempt " + request.attempts + " of " + config.maxAttempts() + ")"
                : !free && !budget.tryWithdraw() ? " (retry budget of " + config.retryBudget() + " spent)" : null;
        if (refused != null) {
            if (refusal != null) {
                complete(request, null, refusal.get()); // the server's own error answer: an answered call
            } else {
                fail(request, new ConnectionLostException(why + " before the " + request.what() + " answer" + refused), true);
            }
            return;
        }
        if (free) {
            request.resentAfterLoss = true;
        }
        counters.retried();
        dispatch(request);
    }

    void timedOut(Request<?> request) {
        boolean written = request.everWritten;
        Connection connection = request.connection;
        boolean awaitingThere = request.isQueued();
        // What sent it again (a lost connection, SHUTTING_DOWN answered) said: else a server that answers every
        // call SHUTTING_DOWN read as one that never answers (an attacker pass on the client).
        String message = request.what() + " request timed out after " + timeoutText + (written
                ? ", written to " + connection.endpoint
                        + (request.lastTrouble != null ? " (sent again after: " + request.lastTrouble + ")" : "")
                : ", never written: " + (request.lastTrouble != null ? request.lastTrouble + "; " : "")
                        + describeAddresses());
        ending.incrementAndGet(); // uncounted by completeOffTimer's thread
        int won = request.finish();
        if (won == Request.LOST) {
            ending.decrementAndGet();
            return;
        }
        counters.timedOut();
        if (won == Request.WON_RELEASE) {
            permits.release();
        }
        // Nothing at all came back on that connection since this request was written: a peer that
        // died without a reset, or a server that stopped. Its other requests go elsewhere.
        if (written && awaitingThere && connection.lastAnswerNanos() - request.writtenNanos < 0) {
            connection.abandon(connection.endpoint + ": no answer for " + timeoutText + "; connection replaced");
        }
        RequestTimeoutException failure = new RequestTimeoutException(message, written);
        request.timedOutWith = failure;
        completeOffTimer(request, failure);
    }

    /**
     * Waits for {@code request}'s end, for a blocking call: at most {@link #AWAIT_SLACK_NANOS} past its
     * deadline, when it ends it here unless something ended it first. A deadline's failure is delivered
     * on a virtual thread, which waits for a free carrier: with every carrier busy (CPU-bound virtual
     * threads; on JDK 21 also ones pinned in {@code synchronized}) a blocking call with a 200 ms
     * deadline returned after 2.9 s (a helper's review).
     */
    <T> T await(Request<T> request) throws InterruptedException, ExecutionException {
        long left = request.deadlineNanos - System.nanoTime() + AWAIT_SLACK_NANOS;
        try {
            return request.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException late) {
            timedOut(request);
        }
        // Ended here, or otherwise: by a thread running now, or by the timer, which won the request's end
        // just before us and sets timedOutWith a moment later, while the future waits for a carrier (a
        // helper's review: a plain get() here waited for that carrier after all).
        while (true) {
            RequestTimeoutException failure = request.timedOutWith;
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            try {
                return request.get(1, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // the timer's verdict or the completion is a moment away
            }
        }
    }

    /** How long past its deadline a blocking call waits for the timer's verdict before ending the request itself. */
    static final long AWAIT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(5 * SWEEP_MILLIS);

    /**
     * Fails {@code request} on a virtual thread of its own: the timer decides, it never runs the
     * caller's code. A dependent stage runs where its future completes, and a blocking fallback
     * ({@code exceptionally(e -> client.echo(...))}) run on the one timer thread stopped every
     * deadline of the client for good (an attacker's finding).
     */
    private void completeOffTimer(Request<?> request, RequestTimeoutException timedOut) {
        Runnable deliver = () -> {
            int[] here = endingHere.get();
            here[0]++; // counted in ending by timedOut()
            try {
                request.completeExceptionally(timedOut);
            } finally {
                endDone(here);
            }
        };
        try {
            Thread.ofVirtual().name("echo-client-deadline").start(deliver);
        } catch (RuntimeException | OutOfMemoryError cannotStart) {
            deliver.run(); // late rather than never
        }
    }

    /** Counts an end under way, on this thread and in all; {@link #endDone} uncounts it. */
    private int[] endBegun() {
        int[] here = endingHere.get();
        here[0]++;
        ending.incrementAndGet();
        return here;
    }

    private void endDone(int[] here) {
        ending.decrementAndGet();
        here[0]--;
    }

    @SuppressWarnings("unchecked")
    private void complete(Request<?> request, Object value, ServerErrorException error) {
        int[] here = endBegun();
        try {
            int won = request.finish();
            if (won == Request.LOST) {
                return;
            }
            counters.answered(System.nanoTime() - request.startNanos);
            if (won == Request.WON_RELEASE) {
                permits.release();
            }
            if (error != null) {
                request.completeExceptionally(error);
            } else {
                ((Request<Object>) request).complete(value);
            }
        } finally {
            endDone(here);
        }
    }

    private void fail(Request<?> request, EchoClientException failure, boolean started) {
        int[] here = endBegun();
        try {
            int won = request.finish();
            if (won == Request.LOST) {
                return;
            }
            if (failure instanceof RequestTimeoutException) {
                counters.timedOut(); // one that waited for room (maxInFlight) until its deadline
            } else {
                counters.failed();
            }
            if (won == Request.WON_RELEASE && started) {
                permits.release();
            }
            request.completeExceptionally(failure);
        } finally {
            endDone(here);
        }
    }

    /** {@code 127.0.0.1:8080 (connection refused), ...}. */
    String describeAddresses() {
        return addresses.stream().map(Address::describe).collect(Collectors.joining(", "));
    }

    /**
     * True if a call waits for a connection: ended ones not yet swept out of the queue do not count,
     * since an attempt made for them would be a handshake nobody waits for.
     */
    boolean callsWaiting() {
        for (Request<?> request : waiting) {
            if (!request.ended()) {
                return true;
            }
        }
        return false;
    }

    /** Requests in the queue of those waiting for a connection, ended ones not yet swept out included. */
    int waitingForConnection() {
        return waiting.size();
    }

    int inFlight() {
        return config.maxInFlight() - permits.availablePermits();
    }

    int connections() {
        int n = 0;
        for (Address a : addresses) {
            if (a.current() != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Counts {@code why} as the server's protocol error, for which its connection closes, and returns
     * it. Counted before the request it ends fails, so that its caller sees the count.
     */
    String protocolError(String why) {
        counters.protocolError(why);
        return why;
    }

    String lastProtocolError() {
        return counters.lastProtocolError();
    }

    ClientStats stats() {
        return counters.snapshot(inFlight(), connections());
    }

    /**
     * Refuses new calls, lets outstanding ones finish for up to the close timeout, then fails the rest
     * and closes every connection.
     */
    void close() {
        closing = true;
        long deadline = System.nanoTime() + Durations.nanosSaturated(config.closeTimeout());
        awaitIdle(deadline, true);
        stopped = true;
        for (Address address : addresses) {
            address.stop();
        }
        failWaiting();
        // The readers fail what they held. Not cut short by an interrupt, which ends the wait above: it
        // left futures incomplete after close() returned.
        awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), false);
        timer.shutdownNow();
    }

    /** Fails every request waiting for a connection: the client stopped. */
    private void failWaiting() {
        for (Request<?> request; (request = waiting.poll()) != null; ) {
            fail(request, new ClientClosedException("the client closed before " + request.what() + " was sent"), true);
        }
    }

    /** Waits until nothing is in flight or ending, or the deadline; an interrupt ends it if {@code interruptible}. */
    private void awaitIdle(long deadlineNanos, boolean interruptible) {
        int own = endingHere.get()[0];
        boolean interrupted = false;
        // Permits first: an end is counted before the permit can go back, and uncounted after the future.
        while ((inFlight() > 0 || ending.get() > own) && System.nanoTime() - deadlineNanos < 0) {
            try {
                Thread.sleep(1); // close() is rare; a condition signalled on every answer would cost every call
            } catch (InterruptedException e) {
                interrupted = true;
                if (interruptible) {
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
