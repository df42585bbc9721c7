package dev.echo.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The TLS meters, read from {@link TlsCounters} when scraped: {@code echo_tls_handshakes_total}
 * by {@code result} (ok, failed), {@code echo_tls_handshake_failures_total} by {@code reason}
 * ({@link HandshakeFailure#label()}), {@code echo_tls_bad_records_total}, {@code echo_tls_reloads_total} by {@code result} (ok,
 * refused), and {@code echo_tls_certificate_expiry_seconds}.
 */
final class TlsMetrics {
    private TlsMetrics() {}

    static void bind(MeterRegistry registry, TlsCounters counters) {
        FunctionCounter.builder("echo.tls.handshakes", counters, TlsCounters::handshakesSucceeded).tag("result", "ok")
                .description("TLS handshakes, by result").register(registry);
        FunctionCounter.builder("echo.tls.handshakes", counters, c -> c.handshakesFailed()).tag("result", "failed")
                .description("TLS handshakes, by result").register(registry);
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            FunctionCounter.builder("echo.tls.handshake.failures", counters, c -> c.handshakesFailed(reason))
                    .tag("reason", reason.label()).description("TLS handshakes that failed, by reason").register(registry);
        }
        FunctionCounter.builder("echo.tls.bad.records", counters, TlsCounters::badRecords)
                .description("connections closed after their handshake for an invalid TLS record or a refused renegotiation").register(registry);
        FunctionCounter.builder("echo.tls.refused.unanswered", counters, TlsCounters::refusalsUnanswered)
                .description("refused clients closed without their SERVER_BUSY answer: too many refusals "
                        + "in progress, or the client sent nothing, went away, failed the refusal's handshake "
                        + "or ran out of its time, or the server stopped").register(registry);
        FunctionCounter.builder("echo.tls.reloads", counters, TlsCounters::reloads).tag("result", "ok")
                .description("changes of the TLS files, loaded or refused").register(registry);
        FunctionCounter.builder("echo.tls.reloads", counters, TlsCounters::reloadsRefused).tag("result", "refused")
                .description("changes of the TLS files, loaded or refused").register(registry);
        Gauge.builder("echo.tls.certificate.expiry", counters, TlsCounters::secondsUntilExpiry).baseUnit("seconds")
                .description("seconds until the certificate served expires").strongReference(true).register(registry);
    }
}
