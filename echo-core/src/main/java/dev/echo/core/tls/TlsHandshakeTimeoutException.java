package dev.echo.core.tls;

import dev.echo.core.Durations;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A TLS handshake that was not complete by its deadline; the connection is closed. */
public final class TlsHandshakeTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;

    /** {@code timeout} is the deadline the handshake missed. */
    public TlsHandshakeTimeoutException(Duration timeout) {
        super("TLS handshake not complete within " + Durations.format(timeout));
        this.timeout = timeout;
    }

    /** The deadline the handshake missed. */
    public Duration timeout() {
        return timeout;
    }
}
