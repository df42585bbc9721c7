package dev.echo.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of a TLS server's handshake and reload counters since it started ({@link
 * EchoServer#tlsStats()}).
 *
 * @param handshakes handshakes completed
 * @param handshakeFailures handshakes that failed, by reason; every reason present
 * @param badRecords connections closed after their handshake for sending what is not a valid TLS record
 *     (garbage, a forged or truncated record) or for a TLS 1.2 renegotiation the server refuses (when
 *     the JDK's {@code jdk.tls.rejectClientInitiatedRenegotiation} is set, as {@code bin/echo-server} sets it)
 * @param reloads changes of the TLS files that took effect
 * @param reloadsRefused changes of the TLS files that did not load (the last good material stayed)
 * @param refusedUnanswered refused clients closed without SERVER_BUSY: {@value TlsTransport#MAX_REFUSALS}
 *     refusals were in progress already, or the client sent nothing, went away, failed the refusal's
 *     handshake, ran out of its time, or the server stopped
 * @param certificateNotAfter when the certificate served now expires
 */
public record TlsStats(long handshakes, Map<HandshakeFailure, Long> handshakeFailures, long badRecords, long reloads,
                       long reloadsRefused, long refusedUnanswered, Instant certificateNotAfter) {

    public TlsStats {
        handshakeFailures = Map.copyOf(handshakeFailures);
    }

    /** Handshakes that failed for {@code reason}. */
    public long handshakeFailures(HandshakeFailure reason) {
        return handshakeFailures.getOrDefault(reason, 0L);
    }

    /** Handshakes that failed, for any reason. */
    public long handshakeFailureTotal() {
        return handshakeFailures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Time left until the certificate served expires, negative once it has. */
    public Duration untilExpiry(Instant now) {
        return Duration.between(now, certificateNotAfter);
    }
}
