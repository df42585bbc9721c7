package dev.echo.client;

import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how an {@link EchoClient} connects. Immutable; build one with {@link #builder()}.
 *
 * @param host server host name or address; default {@code 127.0.0.1}
 * @param port server port, 1 to 65535; default {@code 8080}
 * @param framing the framing the server speaks; default {@link Framing#DELIMITED}
 * @param connectTimeout how long to wait for the TCP connection; zero = no limit; default 5 s
 * @param readTimeout how long to wait for each answer; zero = no limit; default 30 s
 * @param maxFrameBytes largest answer frame accepted, 1 or more; default 4 MiB
 */
public record ClientConfig(String host, int port, Framing framing, Duration connectTimeout,
                           Duration readTimeout, int maxFrameBytes) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @throws IllegalArgumentException naming the bad value, for a blank host, a port outside 1 to
     *     65535, a negative timeout or a maximum frame length below 1
     * @throws NullPointerException for a null host, framing or timeout
     */
    public ClientConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank: '" + host + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
        }
        if (connectTimeout.isNegative()) {
            throw new IllegalArgumentException("connectTimeout must not be negative: " + connectTimeout);
        }
        if (readTimeout.isNegative()) {
            throw new IllegalArgumentException("readTimeout must not be negative: " + readTimeout);
        }
        if (maxFrameBytes < 1 || maxFrameBytes > FrameReader.MAX_FRAME_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxFrameBytes must be from 1 to " + FrameReader.MAX_FRAME_LENGTH_LIMIT
                    + ": " + maxFrameBytes);
        }
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .host(host)
                .port(port)
                .framing(framing)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .maxFrameBytes(maxFrameBytes);
    }

    /** {@code host:port}, as used in every message about this endpoint. */
    public String endpoint() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** Builds a {@link ClientConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Framing framing = Framing.DELIMITED;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int maxFrameBytes = FrameReader.DEFAULT_MAX_FRAME_LENGTH;

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

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** @throws IllegalArgumentException as the {@link ClientConfig} constructor */
        public ClientConfig build() {
            return new ClientConfig(host, port, framing, connectTimeout, readTimeout, maxFrameBytes);
        }
    }
}
