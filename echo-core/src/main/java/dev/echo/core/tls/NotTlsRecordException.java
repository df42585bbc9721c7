package dev.echo.core.tls;

import javax.net.ssl.SSLProtocolException;

/**
 * The server sent, after a completed handshake, bytes that cannot be the header of a TLS record (text,
 * another protocol): the message shows the five bytes in hex and as text, unprintable ones as '.'.
 */
final class NotTlsRecordException extends SSLProtocolException {
    private static final long serialVersionUID = 1L;

    NotTlsRecordException(String message) {
        super(message);
    }
}
