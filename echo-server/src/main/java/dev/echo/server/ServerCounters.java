package dev.echo.server;

import dev.echo.core.FrameFailure;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@link ServerStats}, the MXBean and the metrics endpoint; written by every
 * connection thread at once. Also where the events worth telling an operator ({@link #events}) and,
 * with metrics on, each request's time go.
 */
final class ServerCounters {
    /** Every code an error answer can carry. */
    static final List<ErrorResponse.Code> ERROR_CODES = Arrays.stream(ErrorResponse.Code.values())
            .filter(code -> code != ErrorResponse.Code.UNRECOGNIZED).toList();

    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsRejected = new LongAdder();
    final LongAdder echoRequests = new LongAdder();
    final LongAdder addRequests = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder idleTimeouts = new LongAdder();
    final LongAdder writeTimeouts = new LongAdder();
    final LongAdder bufferBudgetRefusals = new LongAdder();
    private final Map<ErrorResponse.Code, LongAdder> errors = new EnumMap<>(ErrorResponse.Code.class);
    /** Refusals, timeouts and bad frames, for the DEBUG lines and the INFO summary each minute. */
    final ServerEvents events;
    /** Null unless metrics are on: then the one cost they add per request. */
    private final Timer requestTime;

    /** @param requestTime the histogram each answered request's time goes into; null for none */
    ServerCounters(ServerEvents events, Timer requestTime) {
        this.events = events;
        this.requestTime = requestTime;
        for (ErrorResponse.Code code : ERROR_CODES) {
            errors.put(code, new LongAdder());
        }
    }

    /**
     * When a request's frame has been read whole: the time to pass to {@link #answered(ClientMessage.MessageCase,
     * ServerMessage, long)}; 0, and no clock read, when requests are not timed.
     */
    long requestStarted() {
        return requestTime == null ? 0 : System.nanoTime();
    }

    /**
     * Counts one answer, as {@link #answered(ClientMessage.MessageCase, ServerMessage)}, and times it
     * from {@code startedNanos} unless that is 0 (an error answer to no request, or timing is off).
     */
    void answered(ClientMessage.MessageCase request, ServerMessage answer, long startedNanos) {
        answered(request, answer);
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

    /** A connection refused at the limit: counted and told. */
    void rejected(SocketAddress peer, int maxConnections) {
        connectionsRejected.increment();
        events.rejected(peer, maxConnections);
    }

    /** A frame that failed (see {@link FrameFailure}): told, and counted as a refusal when over the budget. */
    void frameFailed(FrameFailure failure, long connection, SocketAddress peer, String detail) {
        events.record(failure, connection, peer, detail);
        if (failure == FrameFailure.OVER_BUDGET) {
            bufferBudgetRefusals.increment();
        }
    }

    /** Counts one echo answered by copying the request (see {@link dev.echo.core.CanonicalEcho}), timed as above. */
    void echoAnswered(long startedNanos) {
        echoRequests.increment();
        timeSince(startedNanos);
    }

    private void timeSince(long startedNanos) {
        if (requestTime != null && startedNanos != 0) {
            requestTime.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Counts one answer to a request of kind {@code request} (null when the frame did not parse). */
    void answered(ClientMessage.MessageCase request, ServerMessage answer) {
        if (request == ClientMessage.MessageCase.ADD_REQUEST) {
            addRequests.increment();
        } else if (request == ClientMessage.MessageCase.ECHO_MESSAGE && answer.hasEchoMessage()) {
            echoRequests.increment();
        }
        if (answer.hasError()) {
            error(answer.getError().getCode());
        }
    }

    void error(ErrorResponse.Code code) {
        LongAdder counter = errors.get(code);
        if (counter != null) {
            counter.increment();
        }
    }

    /** The live count of error answers with {@code code}, one of {@link #ERROR_CODES}. */
    LongAdder errorCounter(ErrorResponse.Code code) {
        return errors.get(code);
    }

    ServerStats snapshot(long connectionsActive) {
        Map<ErrorResponse.Code, Long> errorCounts = new EnumMap<>(ErrorResponse.Code.class);
        errors.forEach((code, counter) -> {
            long count = counter.sum();
            if (count > 0) {
                errorCounts.put(code, count);
            }
        });
        return new ServerStats(connectionsAccepted.sum(), connectionsActive, connectionsRejected.sum(),
                echoRequests.sum(), addRequests.sum(), errorCounts, bytesIn.sum(), bytesOut.sum(),
                idleTimeouts.sum(), writeTimeouts.sum(), bufferBudgetRefusals.sum());
    }
}
