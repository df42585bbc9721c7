package dev.echo.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP listener (the JDK's own server, one thread) with two paths: {@code GET /metrics}, the
 * Prometheus text format, and {@code GET /healthz}, 200 {@code ok} while the server accepts and 503
 * {@code shutting down} once it stops. Anything else is 404, any other method 405. Scrapes are rare
 * and small, so one thread serves them all, apart from the connections' threads.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final String ACTION = "serve metrics on";

    private final HttpServer http;
    private final Supplier<String> scrape;
    private final BooleanSupplier healthy;

    private MetricsEndpoint(HttpServer http, Supplier<String> scrape, BooleanSupplier healthy) {
        this.http = http;
        this.scrape = scrape;
        this.healthy = healthy;
    }

    /**
     * Binds {@code host:port} (port 0 = any free one) and starts serving.
     *
     * @throws BindException naming the address when it cannot be bound
     */
    static MetricsEndpoint start(String host, int port, Supplier<String> scrape, BooleanSupplier healthy)
            throws IOException {
        InetSocketAddress address = Binding.resolve(ACTION, host, port);
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw Binding.failure(ACTION, host, port, e);
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(http, scrape, healthy);
        http.createContext("/", endpoint::handle);
        http.start();
        return endpoint;
    }

    /** The bound address: the real port when 0 was asked for. */
    InetSocketAddress address() {
        return http.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, PLAIN_TEXT, "method not allowed\n", false);
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> respond(exchange, 200, PROMETHEUS_TEXT, scrape.get(), head);
                case "/healthz" -> {
                    boolean ok = healthy.getAsBoolean();
                    respond(exchange, ok ? 200 : 503, PLAIN_TEXT, ok ? "ok\n" : "shutting down\n", head);
                }
                default -> respond(exchange, 404, PLAIN_TEXT, "not found: try /metrics or /healthz\n", head);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("metrics request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops at once: a scrape is cheap to retry, and the server is going away. */
    @Override
    public void close() {
        http.stop(0);
    }
}
