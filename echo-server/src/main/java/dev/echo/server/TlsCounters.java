package dev.echo.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The TLS counters of one server: handshakes by result, failures by {@link HandshakeFailure},
 * reloads by result, and when the certificate served expires. Written by connection threads and
 * the file watcher at once; read by stats, the MXBean and the metrics endpoint.
 */
final class TlsCounters {
    private final LongAdder handshakes = new LongAdder();
    private final Map<HandshakeFailure, LongAdder> failures = new EnumMap<>(HandshakeFailure.class);
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadsRefused = new LongAdder();
    private final LongAdder refusedUnanswered = new LongAdder();
    private final LongAdder badRecords = new LongAdder();
    private final Clock clock;
    private volatile Instant notAfter;

    TlsCounters(Clock clock) {
        this.clock = clock;
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            failures.put(reason, new LongAdder());
        }
    }

    void handshakeSucceeded() {
        handshakes.increment();
    }

    void handshakeFailed(HandshakeFailure reason) {
        failures.get(reason).increment();
    }

    /** A reload took effect ({@code true}) or was refused. */
    void reloaded(boolean tookEffect) {
        (tookEffect ? reloads : reloadsRefused).increment();
    }

    /**
     * A refused client (over the connection limit, or no buffer room) closed without its SERVER_BUSY:
     * too many refusals in progress, or it sent nothing, went away, failed the refusal's handshake or
     * ran out of the refusal's time first, or the server stopped.
     */
    void refusedUnanswered() {
        refusedUnanswered.increment();
    }

    /** A connection past its handshake sent what is not a valid TLS record (garbage, a forged or cut record). */
    void badRecord() {
        badRecords.increment();
    }

    long badRecords() {
        return badRecords.sum();
    }

    /** The certificate now served expires at {@code expiry}. */
    void serving(Instant expiry) {
        notAfter = expiry;
    }

    long handshakesSucceeded() {
        return handshakes.sum();
    }

    long handshakesFailed(HandshakeFailure reason) {
        return failures.get(reason).sum();
    }

    long handshakesFailed() {
        long sum = 0;
        for (LongAdder count : failures.values()) {
            sum += count.sum();
        }
        return sum;
    }

    long reloads() {
        return reloads.sum();
    }

    long reloadsRefused() {
        return reloadsRefused.sum();
    }

    long refusalsUnanswered() {
        return refusedUnanswered.sum();
    }

    /** Seconds until the served certificate expires (negative once expired); NaN without TLS. */
    double secondsUntilExpiry() {
        Instant expiry = notAfter;
        return expiry == null ? Double.NaN : Duration.between(clock.instant(), expiry).toMillis() / 1000.0;
    }

    /** A snapshot; null without TLS. */
    TlsStats snapshot() {
        Instant expiry = notAfter;
        if (expiry == null) {
            return null;
        }
        Map<HandshakeFailure, Long> failed = new EnumMap<>(HandshakeFailure.class);
        failures.forEach((reason, count) -> failed.put(reason, count.sum()));
        return new TlsStats(handshakesSucceeded(), failed, badRecords(), reloads(), reloadsRefused(), refusalsUnanswered(),
                expiry);
    }

    /** True when the server speaks TLS. */
    boolean enabled() {
        return notAfter != null;
    }
}
