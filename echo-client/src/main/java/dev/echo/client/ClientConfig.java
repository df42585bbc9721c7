package dev.echo.client;

import com.google.auto.value.AutoBuilder;
import dev.echo.core.ConfigChecks;
import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.HostPort;
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
        ConfigChecks.host("host", host);
        ConfigChecks.port("port", port, 1);
        Objects.requireNonNull(framing, "framing");
        ConfigChecks.notNegative("connectTimeout", connectTimeout);
        ConfigChecks.notNegative("readTimeout", readTimeout);
        ConfigChecks.check(maxFrameBytes >= 1 && maxFrameBytes <= FrameReader.MAX_FRAME_LENGTH_LIMIT,
                "maxFrameBytes must be from 1 to " + FrameReader.MAX_FRAME_LENGTH_LIMIT + ": " + maxFrameBytes);
    }

    /** Every default: what {@link #builder()} starts from. */
    public static final ClientConfig DEFAULTS = new ClientConfig(DEFAULT_HOST, DEFAULT_PORT, Framing.DELIMITED,
            DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, FrameReader.DEFAULT_MAX_FRAME_LENGTH);

    /** A builder with every default set. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder starting from this configuration's values. */
    public Builder toBuilder() {
        return new AutoBuilder_ClientConfig_Builder(this);
    }

    /** {@code host:port}, as used in every message about this endpoint. */
    public String endpoint() {
        return HostPort.of(host, port);
    }

    /** Sets the components one by one (generated); {@link #build()} validates. */
    @AutoBuilder
    public interface Builder {
        Builder host(String host);

        Builder port(int port);

        Builder framing(Framing framing);

        Builder connectTimeout(Duration connectTimeout);

        Builder readTimeout(Duration readTimeout);

        Builder maxFrameBytes(int maxFrameBytes);

        /** @throws IllegalArgumentException as the {@link ClientConfig} constructor */
        ClientConfig build();
    }
}
