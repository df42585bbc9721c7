package dev.echo.server;

import com.google.auto.value.AutoBuilder;
import dev.echo.core.ConfigChecks;
import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 *     default 5 minutes; a late connection is closed within a quarter of this (at least {@value
 *     IdleSweeper#MIN_PERIOD_MILLIS} ms, at most {@value IdleSweeper#MAX_PERIOD_MILLIS} ms) after it
 * @param shutdownGrace how long {@link EchoServer#close()} lets connections finish, zero or positive;
 *     default 5 seconds
 * @param threadMode threads that run connections; default {@link ThreadMode#virtual()}
 * @param maxBufferedBytes bytes that every connection's frame buffer together may hold beyond its
 *     first {@value dev.echo.core.BufferBudget#OWN_BYTES} bytes, at least 1; a connection whose frame
 *     would need more is answered SERVER_BUSY and closed; default an eighth of the maximum heap
 *     ({@link #defaultMaxBufferedBytes()}). Under TLS each connection's record buffers are taken from
 *     it too, and frames never take the part kept for them ({@link EchoServer#connectionReserve})
 * @param metricsHost address the metrics endpoint listens on; default {@code 127.0.0.1}
 * @param metricsPort TCP port of the metrics endpoint ({@code /metrics}, {@code /healthz}), -1 to
 *     65535; -1 = no endpoint, 0 = any free port (see {@link EchoServer#metricsAddress()}); default -1
 * @param tls how the listener speaks TLS; null (the default) = clear text. A TLS listener serves TLS only.
 */
public record ServerConfig(String host, int port, Framing framing, int maxFrameBytes, int maxConnections,
                           Duration idleTimeout, Duration shutdownGrace, ThreadMode threadMode,
                           long maxBufferedBytes, String metricsHost, int metricsPort, @Nullable ServerTls tls) {

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
        ConfigChecks.host("host", host);
        ConfigChecks.port("port", port, 0);
        Objects.requireNonNull(framing, "framing");
        ConfigChecks.check(maxFrameBytes >= 1 && maxFrameBytes <= MAX_FRAME_BYTES_LIMIT,
                "maxFrameBytes must be from 1 to " + MAX_FRAME_BYTES_LIMIT + ": " + maxFrameBytes);
        ConfigChecks.check(maxBufferedBytes >= 1, "maxBufferedBytes must be a positive integer: " + maxBufferedBytes);
        ConfigChecks.check(maxConnections >= 1, "maxConnections must be a positive integer: " + maxConnections);
        ConfigChecks.positive("idleTimeout", idleTimeout);
        ConfigChecks.notNegative("shutdownGrace", shutdownGrace);
        Objects.requireNonNull(threadMode, "threadMode");
        ConfigChecks.host("metricsHost", metricsHost);
        ConfigChecks.check(metricsPort == METRICS_OFF || metricsPort >= 0 && metricsPort <= ConfigChecks.MAX_PORT,
                "metricsPort must be -1 (off) or between 0 and 65535: " + metricsPort);
    }

    /** True when the server serves {@code /metrics} and {@code /healthz}. */
    public boolean metricsEnabled() {
        return metricsPort != METRICS_OFF;
    }

    /** Every default: what {@link #builder()} starts from. */
    public static final ServerConfig DEFAULTS = new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, Framing.DELIMITED,
            DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_SHUTDOWN_GRACE,
            ThreadMode.virtual(), defaultMaxBufferedBytes(), DEFAULT_METRICS_HOST, METRICS_OFF, null);

    /** A builder holding every default. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new AutoBuilder_ServerConfig_Builder(this);
    }

    /** Sets the components one by one (generated); {@link #build()} checks them. */
    @AutoBuilder
    public interface Builder {
        Builder host(String host);

        Builder port(int port);

        Builder framing(Framing framing);

        Builder maxFrameBytes(int maxFrameBytes);

        Builder maxConnections(int maxConnections);

        Builder idleTimeout(Duration idleTimeout);

        Builder shutdownGrace(Duration shutdownGrace);

        Builder threadMode(ThreadMode threadMode);

        Builder maxBufferedBytes(long maxBufferedBytes);

        Builder metricsHost(String metricsHost);

        /** -1 = no metrics endpoint (the default), 0 = any free port. */
        Builder metricsPort(int metricsPort);

        /** TLS for the listener; null = clear text (the default). */
        Builder tls(@Nullable ServerTls tls);

        /** @throws IllegalArgumentException naming the first bad value */
        ServerConfig build();
    }
}
