package dev.echo.core.tls;

import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS handshake that failed, told in one line that says which failure it is ({@link
 * ClientTls#explain}); the JDK's exception is the cause.
 */
public final class TlsHandshakeException extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    TlsHandshakeException(String line, Throwable cause) {
        super(line, cause);
    }
}
