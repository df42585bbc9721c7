package dev.echo.it.probe;

import dev.echo.core.tls.ClientTls;
import dev.echo.core.Durations;
import dev.echo.core.Framing;
import dev.echo.core.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to probe and how; immutable.
 *
 * @param host the target's host name or address
 * @param port the target's port, 1 to 65535
 * @param framing the framing the target speaks; default delimited
 * @param only check ids to run, in catalogue order; empty = every check
 * @param timeout how long to wait for each answer (and for a connection; a TLS handshake gets {@link
 *     #handshakeTimeout()}), more than zero; default 2s
 * @param tls plain TCP ({@link ClientTls#OFF}) or TLS for every connection of every check
 */
public record ProbeConfig(String host, int port, Framing framing, List<String> only, Duration timeout,
                          ClientTls tls) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The least a TLS handshake is given: many-clients' 200 handshakes at once took longer than the
     * default 2 s on a busy 2-core machine, and a healthy server was reported failing (a doc audit's
     * finding). The check is of answers, not of how fast a crowd shakes hands.
     */
    public static final Duration MIN_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @throws IllegalArgumentException naming the bad value: a blank host, a port outside 1 to 65535,
     *     an unknown check id, a timeout that is not positive
     */
    public ProbeConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(tls, "tls");
        only = List.copyOf(only);
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank: '" + host + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1 to 65535: " + port);
        }
        for (String id : only) {
            if (Check.byId(id).isEmpty()) {
                throw new IllegalArgumentException("unknown check id '" + id + "': expected one of " + Probe.checkIds());
            }
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be more than zero: " + Durations.format(timeout));
        }
    }

    /** How long a TLS handshake may take: {@code timeout}, and at least {@link #MIN_HANDSHAKE_TIMEOUT}. */
    public Duration handshakeTimeout() {
        return timeout.compareTo(MIN_HANDSHAKE_TIMEOUT) > 0 ? timeout : MIN_HANDSHAKE_TIMEOUT;
    }

    /** Plain TCP. */
    public ProbeConfig(String host, int port, Framing framing, List<String> only, Duration timeout) {
        this(host, port, framing, only, timeout, ClientTls.OFF);
    }

    /** The same, over {@code clientTls}. */
    public ProbeConfig tls(ClientTls clientTls) {
        return new ProbeConfig(host, port, framing, only, timeout, clientTls);
    }

    /** Every check, the default framing and timeout. */
    public static ProbeConfig of(String host, int port, Framing framing) {
        return new ProbeConfig(host, port, framing, List.of(), DEFAULT_TIMEOUT);
    }

    /** The same, running only {@code ids}. */
    public ProbeConfig only(List<String> ids) {
        return new ProbeConfig(host, port, framing, ids, timeout, tls);
    }

    /** The same, waiting {@code answerTimeout} for each answer. */
    public ProbeConfig timeout(Duration answerTimeout) {
        return new ProbeConfig(host, port, framing, only, answerTimeout, tls);
    }

    /** {@code host:port}, brackets around an IPv6 literal. */
    public String address() {
        return HostPort.of(host, port);
    }
}
