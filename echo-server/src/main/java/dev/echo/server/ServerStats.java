package dev.echo.server;

import dev.echo.core.proto.ErrorResponse;
import java.util.Map;

/**
 * A snapshot of a server's counters since it started. Each counter is read on its own, so a snapshot
 * taken under load may be off by the requests in flight.
 *
 * @param connectionsAccepted connections accepted and served (rejected ones not included)
 * @param connectionsActive connections open right now
 * @param connectionsRejected connections turned away with SERVER_BUSY
 * @param echoRequests echo requests answered with an echo
 * @param addRequests add requests answered, with a sum or with ADD_OVERFLOW
 * @param errors error answers sent, by code (ADD_OVERFLOW and SERVER_BUSY included); codes never
 *     sent are absent
 * @param bytesIn bytes received from clients
 * @param bytesOut bytes sent to clients
 * @param idleTimeouts connections closed because their next frame did not arrive within the idle timeout
 * @param writeTimeouts connections closed because their answers made no progress for the idle timeout
 *     (the client stopped reading)
 * @param bufferBudgetRefusals connections answered SERVER_BUSY and closed because their frame needed
 *     more buffer than the server's budget had left
 */
public record ServerStats(long connectionsAccepted, long connectionsActive, long connectionsRejected,
                          long echoRequests, long addRequests, Map<ErrorResponse.Code, Long> errors,
                          long bytesIn, long bytesOut, long idleTimeouts, long writeTimeouts,
                          long bufferBudgetRefusals) {

    public ServerStats {
        errors = Map.copyOf(errors);
    }

    /** Error answers sent with {@code code}; 0 if none. */
    public long errorCount(ErrorResponse.Code code) {
        return errors.getOrDefault(code, 0L);
    }

    /** Total error answers of every code. */
    public long errorTotal() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Requests that got their one answer: echoes, adds, and error answers to requests (every error
     * code except ADD_OVERFLOW, already counted in {@link #addRequests()}, and SERVER_BUSY, which
     * answers a connection or a frame that was never read whole, not a request).
     */
    public long requestsAnswered() {
        return echoRequests + addRequests + errorTotal()
                - errorCount(ErrorResponse.Code.ADD_OVERFLOW) - errorCount(ErrorResponse.Code.SERVER_BUSY);
    }
}
