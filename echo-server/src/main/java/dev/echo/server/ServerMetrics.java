package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.RequestKind;
import dev.echo.core.proto.ErrorResponse;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * One server's meters in a Prometheus registry, and the HTTP endpoint that serves them. Every count
 * is read from {@link ServerCounters} when scraped (FunctionCounters and Gauges over the same
 * counters the stats and the MXBean read), so enabling metrics adds nothing to the request path
 * but the request-time histogram, {@link #requestTime()}.
 *
 * <p>Names, as Prometheus sees them: {@code echo_connections_active}, {@code
 * echo_connections_accepted_total}, {@code echo_connections_rejected_total}, {@code
 * echo_connections_closed_total{reason}}, {@code echo_requests_total{kind}} (one per {@link
 * RequestKind#label()}), {@code echo_errors_total{code}} (one per code), {@code
 * echo_received_bytes_total}, {@code echo_sent_bytes_total}, {@code echo_buffered_bytes}, {@code
 * echo_buffered_max_bytes}, {@code echo_request_duration_seconds_bucket{le}} (with {@code _count}, {@code _sum}, {@code _max}), and
 * the JVM's memory, GC, threads, CPU and uptime.
 */
final class ServerMetrics implements AutoCloseable {
    /**
     * Bucket bounds of the request-time histogram: a request answered from memory takes microseconds,
     * one slowed by a full socket or a long pause takes milliseconds or more.
     */
    private static final Duration[] REQUEST_TIME_BUCKETS = {
        Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000),
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    };

    private final ServerConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer requestTime;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final MetricsRefusals httpRefusals = new MetricsRefusals();
    private MetricsEndpoint endpoint;

    private ServerMetrics(ServerConfig config) {
        this.config = config;
        this.requestTime = Timer.builder("echo.request.duration")
                .description("server-side time of a request: from its frame read whole to its answer written")
                .serviceLevelObjectives(REQUEST_TIME_BUCKETS)
                .register(registry);
    }

    /** Meters for a server with {@code config}, or null when its metrics are off. */
    static ServerMetrics forConfig(ServerConfig config) {
        return config.metricsEnabled() ? new ServerMetrics(config) : null;
    }

    /** The registry, for meters that only some servers have (TLS's). */
    MeterRegistry registry() {
        return registry;
    }

    /** The histogram that {@link ServerCounters} records each answered request's time into. */
    Timer requestTime() {
        return requestTime;
    }

    /**
     * Registers the server's counters and starts serving {@code /metrics} and {@code /healthz}
     * ({@code healthy} decides 200 or 503). If the endpoint cannot start, closes {@code listener} (the
     * server's, bound just before) and these metrics, and throws.
     *
     * @throws java.net.BindException if the metrics address cannot be bound; the message names it
     */
    void start(ServerCounters counters, IntSupplier activeConnections, BufferBudget budget, BooleanSupplier healthy,
               Closeable listener) throws IOException {
        try {
            bindCounters(registry, counters, activeConnections, budget);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            gcMetrics.bindTo(registry);
            bindRefusals(registry, httpRefusals);
            endpoint = MetricsEndpoint.start(config.metricsHost(), config.metricsPort(), new CoalescedScrape(registry::scrape), healthy,
                    MetricsEndpoint.Limits.DEFAULT, httpRefusals);
        } catch (IOException | RuntimeException e) {
            listener.close();
            close();
            throw e;
        }
    }

    /** Where the endpoint listens; null before {@link #start}. */
    InetSocketAddress address() {
        MetricsEndpoint current = endpoint;
        return current == null ? null : current.address();
    }

    private static void bindCounters(MeterRegistry registry, ServerCounters counters, IntSupplier active,
                                     BufferBudget budget) {
        // Strong references: a Gauge holds its object weakly, and nothing else holds this lambda.
        Gauge.builder("echo.connections.active", active, IntSupplier::getAsInt).strongReference(true)
                .description("connections open now").register(registry);
        counter(registry, "echo.connections.accepted", counters, ServerCounters::connectionsAccepted,
                "connections accepted and served");
        counter(registry, "echo.connections.rejected", counters, ServerCounters::connectionsRejected,
                "connections turned away at the connection limit or for want of buffer space (SERVER_BUSY, if it could be sent)");
        closed(registry, "idle-timeout", counters, ServerCounters::idleTimeouts);
        closed(registry, "write-timeout", counters, ServerCounters::writeTimeouts);
        closed(registry, "over-budget", counters, ServerCounters::bufferBudgetRefusals);
        for (RequestKind kind : RequestKind.values()) {
            FunctionCounter.builder("echo.requests", counters, c -> c.requests(kind))
                    .description("requests answered, by kind (add: ADD_OVERFLOW included; empty: EMPTY_REQUEST)")
                    .tag("kind", kind.label()).register(registry);
        }
        for (ErrorResponse.Code code : ServerCounters.ERROR_CODES) {
            FunctionCounter.builder("echo.errors", counters, c -> c.errors(code))
                    .description("error answers sent, by code").tag("code", code.name()).register(registry);
        }
        FunctionCounter.builder("echo.received", counters, ServerCounters::bytesReceived)
                .description("bytes received from clients").baseUnit("bytes").register(registry);
        FunctionCounter.builder("echo.sent", counters, ServerCounters::bytesSent)
                .description("bytes sent to clients").baseUnit("bytes").register(registry);
        Gauge.builder("echo.buffered", budget, BufferBudget::used)
                .description("bytes of the buffer budget in use").baseUnit("bytes").register(registry);
        Gauge.builder("echo.buffered.max", budget, BufferBudget::limit)
                .description("the buffer budget (--max-buffered-bytes)").baseUnit("bytes").register(registry);
    }

    /** What the endpoint itself refused: {@code echo_metrics_http_refused_total{reason}}, every reason from the start. */
    private static void bindRefusals(MeterRegistry registry, MetricsRefusals refusals) {
        for (MetricsRefusals.Reason reason : MetricsRefusals.Reason.values()) {
            FunctionCounter.builder("echo.metrics.http.refused", refusals, r -> r.count(reason))
                    .description("connections to the metrics endpoint closed without their answer, by reason")
                    .tag("reason", reason.label).register(registry);
        }
    }

    private static void counter(MeterRegistry registry, String name, ServerCounters counters,
                                ToDoubleFunction<ServerCounters> count, String description) {
        FunctionCounter.builder(name, counters, count).description(description).register(registry);
    }

    private static void closed(MeterRegistry registry, String reason, ServerCounters counters,
                               ToDoubleFunction<ServerCounters> count) {
        FunctionCounter.builder("echo.connections.closed", counters, count)
                .description("connections the server closed on a client's account, by reason")
                .tag("reason", reason).register(registry);
    }

    /** Stops the endpoint (its threads ended when this returns; a scrape in progress is cut) and the GC listeners. */
    @Override
    public void close() {
        MetricsEndpoint current = endpoint;
        if (current != null) {
            current.close();
        }
        gcMetrics.close();
        registry.close();
    }
}
