package dev.echo.server;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a server needs, fixed at creation. Build one with {@link #builder()}; every option has
 * a default.
 *
 * @param host address to listen on; default {@code 127.0.0.1}, so nothing outside the machine gets
 *     in unless asked
 * @param port TCP port, 0 to 65535; 0 = any free port (see {@link EchoServer#port()}); default 8080
 * @param framing how messages are delimited; default {@link Framing#DELIMITED}
 * @param maxFrameBytes longest frame accepted, 1 to {@value #MAX_FRAME_BYTES_LIMIT} (256 MiB); default 4 MiB
 * @param maxConnections connections served at once, at least 1; one more gets SERVER_BUSY; default 10,000
 * @param idleTimeout how long a connection may take to deliver its next whole frame, positive;
 *     default 5 minutes; a late connection is closed within a quarter of this (at least 10 ms, at most
 *     1 s) after it
 * @param shutdownGrace how long {@link EchoServer#close()} lets connections finish, zero or positive;
 *     default 5 seconds
 * @param threadMode threads that run connections; default {@link ThreadMode#virtual()}
 * @param maxBufferedBytes bytes that every connection's frame buffer together may hold beyond its
 *     first 8 KiB, at least 1; a connection whose frame would need more is answered SERVER_BUSY and
 *     closed; default an eighth of the maximum heap ({@link #defaultMaxBufferedBytes()})
 * @param metricsHost address the metrics endpoint listens on; default {@code 127.0.0.1}
 * @param metricsPort TCP port of the metrics endpoint ({@code /metrics}, {@code /healthz}), -1 to
 *     65535; -1 = no endpoint, 0 = any free port (see {@link EchoServer#metricsAddress()}); default -1
 */
public record ServerConfig(String host, int port, Framing framing, int maxFrameBytes, int maxConnections,
                           Duration idleTimeout, Duration shutdownGrace, ThreadMode threadMode,
                           long maxBufferedBytes, String metricsHost, int metricsPort) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_FRAME_BYTES = FrameReader.DEFAULT_MAX_FRAME_LENGTH;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    /** No metrics endpoint: nothing is measured that the counters do not already count. */
    public static final int METRICS_OFF = -1;
    /**
     * The largest maximum frame: one frame is held whole in memory, and parsed into a string as large
     * again, so a limit near 2 GiB would let one client take a server's heap.
     */
    public static final int MAX_FRAME_BYTES_LIMIT = 256 * 1024 * 1024;

    /**
     * The default buffer budget: an eighth of the heap this JVM may grow to. A buffered frame costs
     * about three times its size once parsed and answered, and the rest of the heap serves the
     * connections' own state.
     */
    public static long defaultMaxBufferedBytes() {
        return Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
    }

    /** @throws IllegalArgumentException naming the first bad value; NullPointerException for a null */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(threadMode, "threadMode");
        Objects.requireNonNull(metricsHost, "metricsHost");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank: '" + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        if (maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxFrameBytes must be from 1 to " + MAX_FRAME_BYTES_LIMIT + ": "
                    + maxFrameBytes);
        }
        if (maxBufferedBytes < 1) {
            throw new IllegalArgumentException("maxBufferedBytes must be a positive integer: " + maxBufferedBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be a positive integer: " + maxConnections);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative: " + shutdownGrace);
        }
        if (metricsHost.isBlank()) {
            throw new IllegalArgumentException("metricsHost must not be blank: '" + metricsHost + "'");
        }
        if (metricsPort < METRICS_OFF || metricsPort > 65_535) {
            throw new IllegalArgumentException("metricsPort must be -1 (off) or between 0 and 65535: " + metricsPort);
        }
    }

    /** True when the server serves {@code /metrics} and {@code /healthz}. */
    public boolean metricsEnabled() {
        return metricsPort != METRICS_OFF;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).framing(framing).maxFrameBytes(maxFrameBytes)
                .maxConnections(maxConnections).idleTimeout(idleTimeout).shutdownGrace(shutdownGrace)
                .threadMode(threadMode).maxBufferedBytes(maxBufferedBytes).metricsHost(metricsHost)
                .metricsPort(metricsPort);
    }

    /** Collects values; {@link #build()} checks them. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Framing framing = Framing.DELIMITED;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private ThreadMode threadMode = ThreadMode.virtual();
        private long maxBufferedBytes = defaultMaxBufferedBytes();
        private String metricsHost = DEFAULT_METRICS_HOST;
        private int metricsPort = METRICS_OFF;

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder framing(Framing framing) {
            this.framing = framing;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        public Builder threadMode(ThreadMode threadMode) {
            this.threadMode = threadMode;
            return this;
        }

        public Builder maxBufferedBytes(long maxBufferedBytes) {
            this.maxBufferedBytes = maxBufferedBytes;
            return this;
        }

        public Builder metricsHost(String metricsHost) {
            this.metricsHost = metricsHost;
            return this;
        }

        /** -1 = no metrics endpoint (the default), 0 = any free port. */
        public Builder metricsPort(int metricsPort) {
            this.metricsPort = metricsPort;
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad value */
        public ServerConfig build() {
            return new ServerConfig(host, port, framing, maxFrameBytes, maxConnections, idleTimeout,
                    shutdownGrace, threadMode, maxBufferedBytes, metricsHost, metricsPort);
        }
    }
}
