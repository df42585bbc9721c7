package dev.echo.server;

import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link ServerStats}; written by every connection thread at once. */
final class ServerCounters {
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

    ServerCounters() {
        for (ErrorResponse.Code code : ErrorResponse.Code.values()) {
            if (code != ErrorResponse.Code.UNRECOGNIZED) {
                errors.put(code, new LongAdder());
            }
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
