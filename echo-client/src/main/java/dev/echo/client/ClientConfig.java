package dev.echo.client;

import com.google.auto.value.AutoBuilder;
import dev.echo.core.ConfigChecks;
import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.HostPort;
import dev.echo.core.tls.ClientTls;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how an {@link EchoClient} (or an {@link EchoConnection}) connects, and how the client
 * waits, reconnects and retries. Immutable; build one with {@link #builder()}.
 *
 * @param host server host name or address; default {@code 127.0.0.1}. With {@code port}, the
 *     one-address shorthand for {@link #addresses()}
 * @param port server port, 1 to 65535; default {@code 8080}
 * @param addresses {@code host:port} endpoints ({@code [::1]:8080} for an IPv6 literal) an {@link
 *     EchoClient} spreads its requests over; a name that resolves to several addresses counts as
 *     each of them. Empty (the default) means {@code host:port}
 * @param framing the framing the server speaks; default {@link Framing#DELIMITED}
 * @param connectTimeout how long to wait for a TCP connection; zero = no limit; default 5 s
 * @param readTimeout {@link EchoConnection} only: how long to wait for each answer; zero = no limit;
 *     default 30 s
 * @param maxFrameBytes largest answer frame accepted, 1 or more; default 4 MiB
 * @param requestTimeout {@link EchoClient}: each request's deadline, counted from the call, retries
 *     and waits for a connection or for room included; positive (never infinite); default 30 s
 * @param maxInFlight {@link EchoClient}: most requests outstanding at once (waiting, written or
 *     being retried, including timed-out ones whose answers have not come yet), 1 or more; a call past
 *     it waits for room until its deadline; default 1024
 * @param maxAttempts {@link EchoClient}: how often one request may be written, 1 or more; 1 turns
 *     retries off; default 5
 * @param retryBudget {@link EchoClient}: most retries in a burst, 0 or more; the budget refills by
 *     one for every ten answers, so that retries can add at most a tenth to the load when a server is
 *     sick; a request's first resend after a lost connection takes nothing from it (a crash loses up to
 *     {@code maxInFlight} requests at once) unless that connection and the one before it answered
 *     nothing; 0 turns retries off; default 1000
 * @param reconnectDelay {@link EchoClient}: the first delay before connecting again after a failed
 *     attempt, doubled on each further failure, with jitter; positive; default 50 ms
 * @param maxReconnectDelay {@link EchoClient}: the longest delay between connection attempts, at
 *     least {@code reconnectDelay}; default 2 s
 * @param closeTimeout {@link EchoClient}: how long {@link EchoClient#close()} lets outstanding
 *     requests finish; zero = not at all; default 5 s
 * @param tls plain TCP ({@link ClientTls#OFF}, the default) or TLS; with TLS, the handshake may take
 *     {@link #handshakeTimeout()} more, and the server's certificate is checked against {@code host}
 *     (or the TLS server name)
 */
public record ClientConfig(String host, int port, List<String> addresses, Framing framing, Duration connectTimeout,
                           Duration readTimeout, int maxFrameBytes, Duration requestTimeout, int maxInFlight,
                           int maxAttempts, int retryBudget, Duration reconnectDelay, Duration maxReconnectDelay,
                           Duration closeTimeout, ClientTls tls) {

    // The defaults of the builder; each builder method's Javadoc says what its value means.
    /** Where a client connects when given no address. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port with no address given. */
    public static final int DEFAULT_PORT = 8080;
    /** How long a connection attempt (and TLS handshake) may take. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link EchoConnection} waits for an answer. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Each call's deadline, retries included. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Calls outstanding per client before a call waits for room. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /** Sends of one request at most, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Retries a client may spend, earned back by answered calls. */
    public static final int DEFAULT_RETRY_BUDGET = 1000;
    /** The first wait before reconnecting to an address. */
    public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofMillis(50);
    /** The longest wait between reconnects, the backoff's ceiling. */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
    /** How long {@code close()} lets calls in flight finish. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * @throws IllegalArgumentException naming the bad value, for a blank host, a port outside 1 to
     *     65535, an address that is not {@code host:port}, a negative timeout, a request timeout or
     *     reconnect delay that is not positive, a maximum below its minimum
     * @throws NullPointerException for a null host, address, framing or duration
     */
    public ClientConfig {
        ConfigChecks.host("host", host);
        ConfigChecks.port("port", port, 1);
        addresses = List.copyOf(addresses);
        addresses.forEach(Endpoint::parse);
        Objects.requireNonNull(framing, "framing");
        ConfigChecks.notNegative("connectTimeout", connectTimeout);
        ConfigChecks.notNegative("readTimeout", readTimeout);
        ConfigChecks.check(maxFrameBytes >= 1 && maxFrameBytes <= FrameReader.MAX_FRAME_LENGTH_LIMIT,
                "maxFrameBytes must be from 1 to " + FrameReader.MAX_FRAME_LENGTH_LIMIT + ": " + maxFrameBytes);
        ConfigChecks.positive("requestTimeout", requestTimeout);
        ConfigChecks.check(maxInFlight >= 1, "maxInFlight must be 1 or more: " + maxInFlight);
        ConfigChecks.check(maxAttempts >= 1, "maxAttempts must be 1 or more: " + maxAttempts);
        ConfigChecks.check(retryBudget >= 0, "retryBudget must be 0 or more: " + retryBudget);
        ConfigChecks.positive("reconnectDelay", reconnectDelay);
        ConfigChecks.check(maxReconnectDelay.compareTo(reconnectDelay) >= 0,
                "maxReconnectDelay must be at least reconnectDelay (" + reconnectDelay + "): " + maxReconnectDelay);
        ConfigChecks.notNegative("closeTimeout", closeTimeout);
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * How long a TLS handshake may take with no connect timeout: the kernel ends a TCP connect that
     * gets no answer, but nothing ends a handshake that a server which took the connection stalls
     * (echo-client {@code --tls --connect-timeout 0} waited for good).
     */
    public static final Duration UNLIMITED_CONNECT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How long a TLS handshake may take, after the TCP connection: {@link #connectTimeout()}, or
     * {@link #UNLIMITED_CONNECT_HANDSHAKE_TIMEOUT} when that is zero (no limit).
     */
    public Duration handshakeTimeout() {
        return connectTimeout.isZero() ? UNLIMITED_CONNECT_HANDSHAKE_TIMEOUT : connectTimeout;
    }

    /** Every default: what {@link #builder()} starts from. */
    public static final ClientConfig DEFAULTS = new ClientConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(),
            Framing.DELIMITED, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, FrameReader.DEFAULT_MAX_FRAME_LENGTH,
            DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BUDGET,
            DEFAULT_RECONNECT_DELAY, DEFAULT_MAX_RECONNECT_DELAY, DEFAULT_CLOSE_TIMEOUT, ClientTls.OFF);

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

    /** The endpoints an {@link EchoClient} connects to: {@link #addresses()}, or {@code host:port} if empty. */
    public List<String> endpoints() {
        return addresses.isEmpty() ? List.of(endpoint()) : addresses;
    }

    /** True unless {@link #maxAttempts()} is 1 or {@link #retryBudget()} is 0. */
    public boolean retries() {
        return maxAttempts > 1 && retryBudget > 0;
    }

    /** Sets the components one by one (generated); {@link #build()} validates. */
    @AutoBuilder
    public interface Builder {
        Builder host(String host);

        Builder port(int port);

        Builder addresses(List<String> addresses);

        /** The endpoints, {@code "h1:p1", "h2:p2"}; see {@link ClientConfig#addresses()}. */
        default Builder addresses(String... addresses) {
            return addresses(List.of(addresses));
        }

        Builder framing(Framing framing);

        Builder connectTimeout(Duration connectTimeout);

        Builder readTimeout(Duration readTimeout);

        Builder maxFrameBytes(int maxFrameBytes);

        Builder requestTimeout(Duration requestTimeout);

        Builder maxInFlight(int maxInFlight);

        Builder maxAttempts(int maxAttempts);

        Builder retryBudget(int retryBudget);

        Builder reconnectDelay(Duration reconnectDelay);

        Builder maxReconnectDelay(Duration maxReconnectDelay);

        /** TLS for every connection ({@link ClientTls#builder()}); default {@link ClientTls#OFF}, plain TCP. */
        Builder tls(ClientTls tls);

        Builder closeTimeout(Duration closeTimeout);

        /** Turns retries off ({@code maxAttempts(1)}): every failure reaches the caller at once. */
        default Builder noRetries() {
            return maxAttempts(1);
        }

        /** @throws IllegalArgumentException as the {@link ClientConfig} constructor */
        ClientConfig build();
    }
}
