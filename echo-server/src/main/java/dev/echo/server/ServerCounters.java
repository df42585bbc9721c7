package dev.echo.server;

import dev.echo.core.ErrorCodes;
import dev.echo.core.FrameFailure;
import dev.echo.core.Refusal;
import dev.echo.core.RequestKind;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@link ServerStats}, the MXBean and the metrics endpoint; written by every
 * connection thread at once. Each event is one call (a rejection counts the connection and its
 * SERVER_BUSY together), and the counters are read back one by one for the metrics or all at once
 * as a {@link #snapshot}. Requests are counted by {@link RequestKind} and errors by code, in maps
 * made from the enums, so a new kind or code is counted without an edit here. Also where the events
 * worth telling an operator ({@link #events}) and, with metrics on, each request's time go.
 */
final class ServerCounters {
    /** Every code an error answer can carry. */
    static final List<ErrorResponse.Code> ERROR_CODES = ErrorCodes.ALL;

    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final LongAdder requestsAnswered = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder idleTimeouts = new LongAdder();
    private final LongAdder writeTimeouts = new LongAdder();
    private final LongAdder bufferBudgetRefusals = new LongAdder();
    private final Map<RequestKind, LongAdder> requests = new EnumMap<>(RequestKind.class);
    private final Map<ErrorResponse.Code, LongAdder> errors = new EnumMap<>(ErrorResponse.Code.class);
    /** Refusals, timeouts and bad frames, for the DEBUG lines and the INFO summary each minute. */
    private final ServerEvents events;
    /** Null unless metrics are on: then the one cost they add per request. */
    private final Timer requestTime;

    /** @param requestTime the histogram each answered request's time goes into; null for none */
    ServerCounters(ServerEvents events, Timer requestTime) {
        this.events = events;
        this.requestTime = requestTime;
        for (RequestKind kind : RequestKind.values()) {
            requests.put(kind, new LongAdder());
        }
        for (ErrorResponse.Code code : ERROR_CODES) {
            errors.put(code, new LongAdder());
        }
    }

    // Events, one call each.

    /** A connection accepted and handed to its thread. */
    void accepted() {
        connectionsAccepted.increment();
    }

    /**
     * A connection refused at the limit of {@code maxConnections}, and told; its SERVER_BUSY is
     * counted by {@link #refusalSent} once written (a TLS refusal may end without it).
     */
    void rejected(SocketAddress peer, int maxConnections) {
        connectionsRejected.increment();
        events.rejected(peer, maxConnections);
    }

    /** A connection refused before its first byte because the buffer budget has no room for it; its answer as {@link #rejected}'s. */
    void refusedForBuffers(SocketAddress peer, String detail) {
        connectionsRejected.increment();
        bufferBudgetRefusals.increment();
        events.outOfBuffers(peer, detail);
    }

    /** A refusal's answer of {@code bytes} bytes with {@code refusal}'s code was written to its client. */
    void refusalSent(Refusal refusal, int bytes) {
        errorSent(refusal.code(), bytes);
    }

    /**
     * An error answer of {@code bytes} bytes with {@code code} was written outside any request loop
     * (a refusal, or the clear-text answer to a client that does not speak TLS on a TLS port).
     */
    void errorSent(ErrorResponse.Code code, int bytes) {
        error(code);
        bytesOut.add(bytes);
    }

    /** {@code count} more bytes received from a client. */
    void bytesIn(long count) {
        bytesIn.add(count);
    }

    /** {@code count} more bytes sent to a client. */
    void bytesOut(long count) {
        bytesOut.add(count);
    }

    /**
     * When a request's frame has been read whole: the time to pass to {@link #answered}; 0, and no
     * clock read, when requests are not timed.
     */
    long requestStarted() {
        return requestTime == null ? 0 : System.nanoTime();
    }

    /**
     * One answer written: counted under {@code request}'s kind (null for a frame that was not parsed
     * into a request), under its error code if it is an error, and as a request answered unless
     * {@link ErrorCodes#answersRequest} says the error answers none; timed from {@code startedNanos}
     * unless that is 0 (an error answer to no request, or timing is off).
     */
    void answered(RequestKind request, ServerMessage answer, long startedNanos) {
        if (request != null) {
            requests.get(request).increment();
        }
        if (!answer.hasError()) {
            requestsAnswered.increment();
        } else {
            ErrorResponse.Code code = answer.getError().getCode();
            error(code);
            if (ErrorCodes.answersRequest(code)) {
                requestsAnswered.increment();
            }
        }
        timeSince(startedNanos);
    }

    /** A request of {@code request}'s kind answered without an error (an echo copied whole), timed as above. */
    void answered(RequestKind request, long startedNanos) {
        requests.get(request).increment();
        requestsAnswered.increment();
        timeSince(startedNanos);
    }

    /** A connection closed for want of a whole frame within the idle timeout: counted and told. */
    void idleTimeout(long connection, SocketAddress peer, Duration idleTimeout) {
        idleTimeouts.increment();
        events.idleTimeout(connection, peer, idleTimeout);
    }

    /** A connection closed because its peer took no answer bytes for the idle timeout: counted and told. */
    void writeTimeout(long connection, SocketAddress peer, Duration idleTimeout) {
        writeTimeouts.increment();
        events.writeTimeout(connection, peer, idleTimeout);
    }

    /**
     * A frame that failed (see {@link FrameFailure}): told, and counted as a refusal when over the
     * budget. Its error answer, if any, is counted when written ({@link #answered}).
     */
    void frameFailed(FrameFailure failure, long connection, SocketAddress peer, String detail) {
        events.record(failure, connection, peer, detail);
        if (failure == FrameFailure.OVER_BUDGET) {
            bufferBudgetRefusals.increment();
        }
    }

    /** A TLS handshake failed (its reason is counted by the transport): told one by one and in the summary. */
    void handshakeFailed(long connection, SocketAddress peer, String detail) {
        events.handshakeFailed(connection, peer, detail);
    }

    /**
     * A TLS connection closed for a record that is not valid (the transport counts it in {@link
     * TlsCounters#badRecord}): told one by one and in the summary.
     */
    void tlsBadRecord(long connection, SocketAddress peer, String detail) {
        events.tlsBadRecord(connection, peer, detail);
    }

    /** Starts the per-minute summary of the events, on a thread named {@code threadName}. */
    void startEvents(String threadName) {
        events.start(threadName);
    }

    /** Stops the summaries (see {@link ServerEvents#stop()}). */
    void stopEvents() throws InterruptedException {
        events.stop();
    }

    private void error(ErrorResponse.Code code) {
        LongAdder counter = errors.get(code);
        if (counter != null) { // UNRECOGNIZED: never built by this server
            counter.increment();
        }
    }

    private void timeSince(long startedNanos) {
        if (requestTime != null && startedNanos != 0) {
            requestTime.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        }
    }

    // Reads, for meters that read at scrape time; each is one counter's sum now.

    long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    long connectionsRejected() {
        return connectionsRejected.sum();
    }

    /** Requests of {@code kind} answered. */
    long requests(RequestKind kind) {
        return requests.get(kind).sum();
    }

    /** Error answers with {@code code}, one of {@link #ERROR_CODES}. */
    long errors(ErrorResponse.Code code) {
        return errors.get(code).sum();
    }

    long bytesReceived() {
        return bytesIn.sum();
    }

    long bytesSent() {
        return bytesOut.sum();
    }

    long idleTimeouts() {
        return idleTimeouts.sum();
    }

    long writeTimeouts() {
        return writeTimeouts.sum();
    }

    long bufferBudgetRefusals() {
        return bufferBudgetRefusals.sum();
    }

    ServerStats snapshot(long connectionsActive) {
        return new ServerStats(connectionsAccepted.sum(), connectionsActive, connectionsRejected.sum(),
                sums(requests), requestsAnswered.sum(), sums(errors), bytesIn.sum(), bytesOut.sum(),
                idleTimeouts.sum(), writeTimeouts.sum(), bufferBudgetRefusals.sum());
    }

    /** Each key's count, keys with none left out. */
    private static <K extends Enum<K>> Map<K, Long> sums(Map<K, LongAdder> counters) {
        Map<K, Long> sums = new HashMap<>();
        counters.forEach((key, counter) -> {
            long count = counter.sum();
            if (count > 0) {
                sums.put(key, count);
            }
        });
        return sums;
    }
}
