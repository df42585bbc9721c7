package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class EchoClientMetricsTest {

    @Test
    void metersReadTheClientsCounters() throws Exception {
        try (FakeServer server = new FakeServer(request -> Messages.echoAnswer(request.getEchoMessage().getContent()));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port()).build())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new EchoClientMetrics(client, Tags.of("service", "test")).bindTo(registry);
            for (int i = 0; i < 5; i++) {
                client.echo("m" + i);
            }
            assertEquals(5.0, registry.get("echo.client.answered").tag("service", "test").functionCounter().count());
            assertEquals(1.0, registry.get("echo.client.connections").gauge().value());
            assertTrue(registry.get("echo.client.latency").tag("quantile", "0.99").timeGauge()
                    .value(java.util.concurrent.TimeUnit.NANOSECONDS) > 0, "a p99");
        }
    }
}
