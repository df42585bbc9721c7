package dev.echo.server;

import dev.echo.core.ErrorCodes;
import dev.echo.core.RequestKind;
import dev.echo.core.proto.ErrorResponse;
import java.util.Map;

/**
 * A snapshot of a server's counters since it started. Each counter is read on its own, so a snapshot
 * taken under load may be off by the requests in flight.
 *
 * @param connectionsAccepted connections accepted and served (rejected ones not included)
 * @param connectionsActive connections open right now
 * @param connectionsRejected connections turned away at the connection limit or for want of buffer
 *     space, before their first byte: with SERVER_BUSY where it could be sent (a TLS refusal may end
 *     without it, {@link TlsStats#refusedUnanswered})
 * @param requests requests answered, by {@link RequestKind}, whatever the answer (an add with a sum or
 *     with ADD_OVERFLOW, an empty request with EMPTY_REQUEST); kinds never seen are absent
 * @param requestsAnswered frames that got their one answer: every request of {@code requests}, and the
 *     frames answered with an error before they were a request (malformed, too large, read during
 *     shutdown); not SERVER_BUSY, which answers no request ({@link ErrorCodes#answersRequest})
 * @param errors error answers sent, by code (ADD_OVERFLOW and SERVER_BUSY included); codes never
 *     sent are absent
 * @param bytesIn bytes received from clients
 * @param bytesOut bytes sent to clients
 * @param idleTimeouts connections closed because their next frame did not arrive within the idle timeout
 * @param writeTimeouts connections closed because their answers made no progress for the idle timeout
 *     (the client stopped reading)
 * @param bufferBudgetRefusals connections refused (SERVER_BUSY where it could be sent) and closed because
 *     their frame, or a new TLS connection's record buffers, needed more than the server's budget had left
 */
public record ServerStats(long connectionsAccepted, long connectionsActive, long connectionsRejected,
                          Map<RequestKind, Long> requests, long requestsAnswered, Map<ErrorResponse.Code, Long> errors,
                          long bytesIn, long bytesOut, long idleTimeouts, long writeTimeouts,
                          long bufferBudgetRefusals) {

    public ServerStats {
        requests = Map.copyOf(requests);
        errors = Map.copyOf(errors);
    }

    /** Requests of {@code kind} answered; 0 if none. */
    public long requestCount(RequestKind kind) {
        return requests.getOrDefault(kind, 0L);
    }

    /** Echo requests answered (with an echo). */
    public long echoRequests() {
        return requestCount(RequestKind.ECHO);
    }

    /** Add requests answered, with a sum or with ADD_OVERFLOW. */
    public long addRequests() {
        return requestCount(RequestKind.ADD);
    }

    /** Error answers sent with {@code code}; 0 if none. */
    public long errorCount(ErrorResponse.Code code) {
        return errors.getOrDefault(code, 0L);
    }

    /** Total error answers of every code. */
    public long errorTotal() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
