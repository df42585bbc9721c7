package dev.echo.bench.load;

import static dev.echo.core.ConfigChecks.check;

import dev.echo.core.ConfigChecks;
import dev.echo.core.Framing;
import dev.echo.core.tls.ClientTls;
import java.time.Duration;
import java.util.Objects;

/**
 * One load run's settings. Immutable; made with {@link #builder()}.
 *
 * @param host server address (default 127.0.0.1)
 * @param port server port, 1..65535 (default 8080)
 * @param framing wire framing (default delimited)
 * @param connections concurrent connections, at least 1 (default 1)
 * @param connectRate new connections per second, 0 = as fast as they connect (default 0)
 * @param duration measured time, positive (default 10 s)
 * @param warmup time before measuring, after every connection is open; zero or more (default 2 s)
 * @param rate total requests per second over all connections, 0 = closed loop (default 0)
 * @param pipeline requests in flight per connection, at least 1 (default 1)
 * @param size echo content bytes, 0..1 MiB (default 13, the size of "Hello, World!")
 * @param echoWeight echo share of the request mix, zero or more (default 1)
 * @param addWeight add share of the request mix, zero or more, not both zero (default 0)
 * @param timeout connect and answer timeout, positive (default 10 s)
 * @param progress whether to print a progress line each second (default true)
 * @param tls plain TCP ({@link ClientTls#OFF}, the default) or TLS for every connection
 * @param libraryClient {@code --client library}: the connections are threads sharing one EchoClient
 *     (the library: one pipelined connection), each with pipeline calls in flight; closed loop only
 * @param newConnectionPerRequest each request on a connection of its own, opened (with its TLS
 *     handshake) and closed around it: the latency includes the connect, the throughput is
 *     connections (handshakes) per second; closed loop, one request at a time (default false)
 */
public record LoadConfig(String host, int port, Framing framing, int connections, double connectRate,
                         Duration duration, Duration warmup, double rate, int pipeline, int size,
                         int echoWeight, int addWeight, Duration timeout, boolean progress, ClientTls tls,
                         boolean newConnectionPerRequest, boolean libraryClient) {

    /** Largest echo content: far below the 4 MiB frame limit, so a bad --size is a user error. */
    public static final int MAX_SIZE = 1024 * 1024;

    /** @throws IllegalArgumentException naming the bad value */
    public LoadConfig {
        Objects.requireNonNull(host, "host");
        ConfigChecks.port("port", port, 1);
        Objects.requireNonNull(framing, "framing");
        check(connections >= 1, "connections must be at least 1: " + connections);
        check(connectRate >= 0 && Double.isFinite(connectRate), "connect-rate must be 0 or more: " + connectRate);
        ConfigChecks.positive("duration", duration);
        ConfigChecks.notNegative("warmup", warmup);
        check(rate >= 0 && Double.isFinite(rate), "rate must be 0 or more: " + rate);
        check(pipeline >= 1, "pipeline must be at least 1: " + pipeline);
        check(size >= 0 && size <= MAX_SIZE, "size must be 0.." + MAX_SIZE + ": " + size);
        check(echoWeight >= 0 && addWeight >= 0 && echoWeight + addWeight > 0,
                "mix must be two non-negative weights, not both 0: " + echoWeight + ":" + addWeight);
        ConfigChecks.positive("timeout", timeout);
        Objects.requireNonNull(tls, "tls");
        check(!newConnectionPerRequest || (rate == 0 && pipeline == 1),
                "a new connection per request sends one request at a time as fast as it can: no rate (" + rate
                        + ") or pipeline (" + pipeline + ")");
        check(!libraryClient || (rate == 0 && !newConnectionPerRequest),
                "--client library drives a shared client as fast as it answers: no rate (" + rate
                        + ") or new connection per request");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().host(host).port(port).framing(framing).connections(connections)
                .connectRate(connectRate).duration(duration).warmup(warmup).rate(rate).pipeline(pipeline)
                .size(size).mix(echoWeight, addWeight).timeout(timeout).progress(progress).tls(tls)
                .newConnectionPerRequest(newConnectionPerRequest).libraryClient(libraryClient);
    }

    /** True when requests are paced by {@link #rate()} rather than sent as answers come. */
    public boolean openLoop() {
        return rate > 0;
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private Framing framing = Framing.DELIMITED;
        private int connections = 1;
        private double connectRate = 0;
        private Duration duration = Duration.ofSeconds(10);
        private Duration warmup = Duration.ofSeconds(2);
        private double rate = 0;
        private int pipeline = 1;
        private int size = 13;
        private int echoWeight = 1;
        private int addWeight = 0;
        private Duration timeout = Duration.ofSeconds(10);
        private boolean progress = true;
        private ClientTls tls = ClientTls.OFF;
        private boolean newConnectionPerRequest;
        private boolean libraryClient;

        private Builder() {}

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder framing(Framing framing) { this.framing = framing; return this; }
        public Builder connections(int connections) { this.connections = connections; return this; }
        public Builder connectRate(double connectRate) { this.connectRate = connectRate; return this; }
        public Builder duration(Duration duration) { this.duration = duration; return this; }
        public Builder warmup(Duration warmup) { this.warmup = warmup; return this; }
        public Builder rate(double rate) { this.rate = rate; return this; }
        public Builder pipeline(int pipeline) { this.pipeline = pipeline; return this; }
        public Builder size(int size) { this.size = size; return this; }
        public Builder mix(int echoWeight, int addWeight) {
            this.echoWeight = echoWeight;
            this.addWeight = addWeight;
            return this;
        }
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
        public Builder progress(boolean progress) { this.progress = progress; return this; }
        public Builder tls(ClientTls tls) { this.tls = tls; return this; }
        public Builder newConnectionPerRequest(boolean each) { this.newConnectionPerRequest = each; return this; }
        public Builder libraryClient(boolean library) { this.libraryClient = library; return this; }

        public LoadConfig build() {
            return new LoadConfig(host, port, framing, connections, connectRate, duration, warmup, rate,
                    pipeline, size, echoWeight, addWeight, timeout, progress, tls, newConnectionPerRequest,
                    libraryClient);
        }
    }
}
