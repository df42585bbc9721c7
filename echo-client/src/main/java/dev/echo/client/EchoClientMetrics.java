package dev.echo.client;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds an {@link EchoClient}'s {@link ClientStats} to a Micrometer registry: counters {@code
 * echo.client.calls}, {@code .sent}, {@code .answered}, {@code .retried}, {@code .timed.out}, {@code
 * .failed}, {@code .late.answers}, {@code .protocol.errors}, {@code .reconnects}; gauges {@code
 * echo.client.in.flight}, {@code .connections}; latency time gauges {@code echo.client.latency} with
 * tag {@code quantile} 0.5, 0.99, 0.999. Each meter reads the client's own counters when scraped: nothing is added per call.
 *
 * <p>Micrometer is an optional dependency of echo-client: an application that uses this class adds
 * {@code io.micrometer:micrometer-core} itself; one that does not never loads it.
 *
 * <pre>{@code
 * new EchoClientMetrics(client, Tags.of("service", "echo")).bindTo(registry);
 * }</pre>
 */
public final class EchoClientMetrics implements MeterBinder {
    private final EchoClient client;
    private final Tags tags;

    /** @param tags added to every meter (for example which service this client calls) */
    public EchoClientMetrics(EchoClient client, Tags tags) {
        this.client = Objects.requireNonNull(client, "client");
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "echo.client.calls", "calls made", ClientStats::calls);
        counter(registry, "echo.client.sent", "attempts written, retries included", ClientStats::sent);
        counter(registry, "echo.client.answered", "calls answered (error answers included)", ClientStats::answered);
        counter(registry, "echo.client.retried", "attempts sent again", ClientStats::retried);
        counter(registry, "echo.client.timed.out", "calls that reached their deadline", ClientStats::timedOut);
        counter(registry, "echo.client.failed", "calls that ended without an answer", ClientStats::failed);
        counter(registry, "echo.client.late.answers", "answers after their deadline, dropped", ClientStats::lateAnswers);
        counter(registry, "echo.client.protocol.errors", "connections closed because the server broke the protocol",
                ClientStats::protocolErrors);
        counter(registry, "echo.client.reconnects", "connections opened again", ClientStats::reconnects);
        Gauge.builder("echo.client.in.flight", client, c -> c.stats().inFlight()).tags(tags)
                .description("calls outstanding").register(registry);
        Gauge.builder("echo.client.connections", client, c -> c.stats().connections()).tags(tags)
                .description("connections open").register(registry);
        for (double quantile : new double[] {0.5, 0.99, 0.999}) {
            TimeGauge.builder("echo.client.latency", client, TimeUnit.NANOSECONDS,
                            c -> c.stats().latency().at(quantile * 100).toNanos())
                    .tags(tags.and("quantile", Double.toString(quantile)))
                    .description("answered calls' latency at the quantile, since the client was made")
                    .register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ClientStats> value) {
        FunctionCounter.builder(name, client, c -> value.applyAsDouble(c.stats())).tags(tags)
                .description(description).register(registry);
    }
}
