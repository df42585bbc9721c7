package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.EchoConnection;
import dev.echo.client.ServerErrorException;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse.Code;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The packaged server's {@code --metrics-port}, scraped over HTTP as Prometheus would: the numbers
 * are those of the requests the test sent, and {@code /healthz} turns from 200 to 503 when a signal
 * begins the shutdown.
 */
@Execution(ExecutionMode.CONCURRENT)
class MetricsEndpointIT {
    private static final Pattern METRICS_AT = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics\\)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static int metricsPort(ServerProcess server) {
        String first = server.stdout().get(0);
        Matcher m = METRICS_AT.matcher(first);
        assertTrue(m.find(), "expected the start line to say where metrics are served, got " + first);
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "expected the series " + series + " in the scrape:\n" + scrape);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void theScrapeCountsExactlyTheRequestsSent() throws Exception {
        int echoes = 120;
        int adds = 45;
        int overflows = 5;
        int empties = 3;
        int malformed = 2;
        try (ServerProcess server = ServerJar.process().args("--port", "0", "--metrics-port", "0", "--max-connections", "3").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            int metrics = metricsPort(server);
            assertEquals(200, get(metrics, "/healthz").statusCode(), "expected /healthz 200 while serving");
            Parallel.run(3, Duration.ofSeconds(60), i -> {
                try (EchoConnection client = Clients.connect(port)) {
                    for (int r = i; r < echoes; r += 3) {
                        assertEquals("m" + r, client.echo("m" + r));
                    }
                    for (int r = i; r < adds; r += 3) {
                        assertEquals(r + 1, client.add(r, 1));
                    }
                }
            }).assertAllSucceeded("three clients' echoes and adds");
            // At the limit of 3 until the server has seen those three go: a fourth now could be refused.
            Await.until("echo_connections_active 0", Duration.ofSeconds(20),
                    () -> scrapeOrEmpty(metrics).contains("\necho_connections_active 0.0\n"), server::describe);
            try (EchoConnection client = Clients.connect(port)) {
                for (int r = 0; r < overflows; r++) {
                    try {
                        client.add(Integer.MAX_VALUE, 1);
                        throw new AssertionError("expected ADD_OVERFLOW");
                    } catch (ServerErrorException e) {
                        assertEquals(Code.ADD_OVERFLOW, e.code());
                    }
                }
            }
            // The clients above have left; once the server has seen them go, three connections fill it.
            Await.until("echo_connections_active 0", Duration.ofSeconds(20),
                    () -> scrapeOrEmpty(metrics).contains("\necho_connections_active 0.0\n"), server::describe);
            try (WireClient raw = WireClient.connect(port); WireClient second = WireClient.connect(port);
                 WireClient third = WireClient.connect(port); WireClient refused = WireClient.connect(port)) {
                for (int r = 0; r < empties; r++) {
                    assertEquals(Code.EMPTY_REQUEST, raw.write(new byte[] {0}).receive().getError().getCode());
                }
                for (int r = 0; r < malformed; r++) {
                    assertEquals(Code.MALFORMED_MESSAGE, raw.write(new byte[] {2, (byte) 0xff, (byte) 0xff}).receive()
                            .getError().getCode());
                }
                assertEquals(Code.SERVER_BUSY, refused.receive().getError().getCode(), "expected the 4th connection refused");
                assertEquals("still", second.write(Framing.DELIMITED.encode(Messages.echo("still"))).receive()
                        .getEchoMessage().getContent());

                String scrape = get(metrics, "/metrics").body();
                assertEquals(echoes + 1, sample(scrape, "echo_requests_total{kind=\"echo\"}"), "echo requests");
                assertEquals(adds + overflows, sample(scrape, "echo_requests_total{kind=\"add\"}"), "add requests");
                assertEquals(empties, sample(scrape, "echo_requests_total{kind=\"empty\"}"), "empty requests");
                assertEquals(overflows, sample(scrape, "echo_errors_total{code=\"ADD_OVERFLOW\"}"), "ADD_OVERFLOW");
                assertEquals(malformed, sample(scrape, "echo_errors_total{code=\"MALFORMED_MESSAGE\"}"), "MALFORMED_MESSAGE");
                assertEquals(empties, sample(scrape, "echo_errors_total{code=\"EMPTY_REQUEST\"}"), "EMPTY_REQUEST");
                assertEquals(1, sample(scrape, "echo_errors_total{code=\"SERVER_BUSY\"}"), "SERVER_BUSY");
                assertEquals(1, sample(scrape, "echo_connections_rejected_total"), "connections rejected");
                assertEquals(3 + 1 + 3, sample(scrape, "echo_connections_accepted_total"), "connections accepted");
                assertEquals(3, sample(scrape, "echo_connections_active"), "connections open during the scrape");
                long timed = echoes + 1 + adds + overflows + empties;
                assertEquals(timed, sample(scrape, "echo_request_duration_seconds_count"), "requests timed");
                assertEquals(timed, sample(scrape, "echo_request_duration_seconds_bucket{le=\"+Inf\"}"), "histogram total");
                assertTrue(sample(scrape, "echo_received_bytes_total") > 0 && sample(scrape, "echo_sent_bytes_total") > 0,
                        "expected bytes counted both ways");
            }
            server.terminate();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(20)), server.describe());
        }
    }

    @Test
    void healthzTurns503WhenASignalBeginsTheShutdown() throws Exception {
        try (ServerProcess server = ServerJar.process().args("--port", "0", "--metrics-port", "0", "--grace", "10m").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            int metrics = metricsPort(server);
            assertEquals(200, get(metrics, "/healthz").statusCode(), "expected /healthz 200 while accepting");
            try (WireClient busy = WireClient.connect(port)) {
                busy.write(new byte[] {10, 1}); // half a frame: the grace period waits for it
                server.terminate();
                Await.until("/healthz to answer 503", Duration.ofSeconds(20), () -> healthStatus(metrics) == 503,
                        server::describe);
                assertEquals("shutting down\n", get(metrics, "/healthz").body());
                assertTrue(server.isAlive(), "expected the server still in its grace period: " + server.describe());
            }
            // The client left, so the grace period ends and the endpoint with the server.
            assertEquals(0, server.awaitExit(Duration.ofSeconds(20)), server.describe());
        }
    }

    private static String scrapeOrEmpty(int port) {
        try {
            return get(port, "/metrics").body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int healthStatus(int port) {
        try {
            return get(port, "/healthz").statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
