package dev.echo.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the metrics endpoint refused, by reason: counted once per connection, read by the scrape as
 * {@code echo_metrics_http_refused_total{reason}}. A client that leaves on its own is not a refusal.
 */
final class MetricsRefusals {
    /** Why a connection to the metrics endpoint was closed without its answer. */
    enum Reason {
        /** The request was not read whole, or its answer not taken, within the exchange deadline. */
        TIMEOUT("timeout"),
        /** The request line and headers outgrew the bound on them (answered 431). */
        TOO_LARGE("too-large"),
        /** Closed at once (or evicted, the oldest first) at the bound on connections. */
        CONNECTION_LIMIT("connection-limit"),
        /** Not an HTTP/1.x request line (answered 400). */
        MALFORMED("malformed");

        final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

    MetricsRefusals() {
        for (Reason reason : Reason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    /** One connection refused for {@code reason}. */
    void refused(Reason reason) {
        counts.get(reason).increment();
    }

    /** Connections refused for {@code reason} since start. */
    long count(Reason reason) {
        return counts.get(reason).sum();
    }
}
