package dev.echo.server;

import javax.net.ssl.SSLProtocolException;

/**
 * A peer sent more records than {@link RecordLimits} takes. An {@link SSLProtocolException}, so that the
 * JDK answers it with a fatal alert as it does a record header that is not TLS; its own type, so that
 * {@link HandshakeFailure#of} tells it apart from a handshake that does not decode.
 */
final class TooManyRecordsException extends SSLProtocolException {
    private static final long serialVersionUID = 1L;

    TooManyRecordsException(String message) {
        super(message);
    }
}
