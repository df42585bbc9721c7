package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.Await;
import dev.echo.testkit.OwnThread;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /metrics} and {@code /healthz} of a server in this JVM, read over HTTP. */
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> get(InetSocketAddress address, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code series} (name and labels as printed) in a scrape; fails if absent. */
    static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "expected the series " + series + " in the scrape:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    private static EchoServer startWithMetrics() throws IOException {
        return TestServers.start(b -> b.metricsPort(0).shutdownGrace(Duration.ofSeconds(30)));
    }

    @Test
    void noEndpointUnlessAsked() throws Exception {
        try (EchoServer server = TestServers.start()) {
            assertTrue(server.metricsAddress().isEmpty(), "expected no metrics endpoint by default");
        }
    }

    @Test
    void theScrapeCountsWhatWasSent() throws Exception {
        try (EchoServer server = startWithMetrics(); WireClient client = TestServers.connect(server)) {
            List<ServerMessage> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(client.call(Messages.echo("counted " + i)));
            }
            answers.add(client.call(Messages.add(1, 2)));
            client.send(Messages.add(Integer.MAX_VALUE, 1)); // ADD_OVERFLOW: an add, and an error
            answers.add(client.expectError(ErrorResponse.Code.ADD_OVERFLOW));
            client.write(new byte[] {0});
            answers.add(client.expectError(ErrorResponse.Code.EMPTY_REQUEST));
            client.write(new byte[] {2, (byte) 0xff, (byte) 0xff});
            answers.add(client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE));
            // Bytes are counted after the flush that sent them: the last answer can be read first.
            long sent = answers.stream().mapToLong(answer -> Framing.DELIMITED.encode(answer).length).sum();
            Await.until("every answer's bytes counted", Duration.ofSeconds(10), () -> server.stats().bytesOut() == sent,
                    () -> server.stats().toString());
            InetSocketAddress address = server.metricsAddress().orElseThrow();

            HttpResponse<String> response = get(address, "/metrics");
            assertEquals(200, response.statusCode(), "expected 200 from /metrics");
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    "expected the Prometheus text format, got " + response.headers());
            String scrape = response.body();
            ServerStats stats = server.stats();
            assertEquals(3, sample(scrape, "echo_requests_total{kind=\"echo\"}"), "echo requests");
            assertEquals(2, sample(scrape, "echo_requests_total{kind=\"add\"}"), "add requests");
            assertEquals(1, sample(scrape, "echo_requests_total{kind=\"empty\"}"), "empty requests");
            assertEquals(1, sample(scrape, "echo_errors_total{code=\"ADD_OVERFLOW\"}"), "ADD_OVERFLOW answers");
            assertEquals(1, sample(scrape, "echo_errors_total{code=\"MALFORMED_MESSAGE\"}"), "MALFORMED_MESSAGE answers");
            assertEquals(0, sample(scrape, "echo_errors_total{code=\"SERVER_BUSY\"}"), "SERVER_BUSY answers");
            assertEquals(1, sample(scrape, "echo_connections_accepted_total"), "connections accepted");
            assertEquals(1, sample(scrape, "echo_connections_active"), "connections active");
            assertEquals(0, sample(scrape, "echo_connections_rejected_total"), "connections rejected");
            assertEquals(stats.bytesIn(), sample(scrape, "echo_received_bytes_total"), "bytes in, as the stats count them");
            assertEquals(stats.bytesOut(), sample(scrape, "echo_sent_bytes_total"), "bytes out, as the stats count them");
            // Timed: every request that was read whole and parsed (3 echoes, 2 adds, the empty one), not
            // the malformed frame.
            assertEquals(6, sample(scrape, "echo_request_duration_seconds_count"), "requests timed");
            assertEquals(6, sample(scrape, "echo_request_duration_seconds_bucket{le=\"+Inf\"}"), "histogram total");
            assertTrue(sample(scrape, "echo_request_duration_seconds_sum") > 0, "expected some time measured");
            assertTrue(scrape.contains("jvm_memory_used_bytes"), "expected the JVM's meters too");
        }
    }

    @Test
    void healthzSays200WhileAcceptingAnd503OnceShuttingDown() throws Exception {
        EchoServer server = startWithMetrics();
        InetSocketAddress address = server.metricsAddress().orElseThrow();
        HttpResponse<String> healthy = get(address, "/healthz");
        assertEquals(200, healthy.statusCode(), "expected 200 while accepting, got " + healthy.body());
        assertEquals("ok\n", healthy.body());
        CompletableFuture<Void> closing;
        try (WireClient busy = TestServers.connect(server)) {
            busy.write(new byte[] {10, 1}); // part of a frame: the connection holds the grace period open
            Await.until("the server to see part of a frame", Duration.ofSeconds(10),
                    () -> ServerProbe.connectionsReadingFrame(server) == 1);
            closing = CompletableFuture.runAsync(server::close, OwnThread.named("closing"));
            Await.until("close() to begin", Duration.ofSeconds(10), () -> ServerProbe.shutdownBegun(server));
            HttpResponse<String> stopping = get(address, "/healthz");
            assertEquals(503, stopping.statusCode(), "expected 503 during the grace period, got " + stopping.body());
            assertEquals("shutting down\n", stopping.body());
            assertEquals(200, get(address, "/metrics").statusCode(), "expected metrics still served while stopping");
        } finally {
            server.cutConnections();
        }
        closing.get(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertFalse(isReachable(address), "expected the endpoint closed once the server is");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        try (EchoServer server = startWithMetrics()) {
            InetSocketAddress address = server.metricsAddress().orElseThrow();
            assertEquals(404, get(address, "/nothing").statusCode());
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build();
            assertEquals(405, HTTP.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void aMetricsPortInUseFailsStartNamingItAndFreesTheServerPort() throws Exception {
        try (EchoServer first = startWithMetrics()) {
            int taken = first.metricsAddress().orElseThrow().getPort();
            EchoServer second = EchoServer.create(ServerConfig.builder().host("127.0.0.1").port(0).metricsPort(taken).build());
            java.net.BindException e = org.junit.jupiter.api.Assertions.assertThrows(java.net.BindException.class, second::start);
            assertTrue(e.getMessage().startsWith("cannot serve metrics on 127.0.0.1:" + taken + ": "),
                    "expected the message to name the metrics address, got " + e.getMessage());
            assertFalse(second.isRunning(), "expected the second server not running");
        }
    }

    private static boolean isReachable(InetSocketAddress address) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
