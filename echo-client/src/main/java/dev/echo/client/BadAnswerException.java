package dev.echo.client;

/**
 * The server broke the protocol: an answer that is not a valid frame or {@code ServerMessage}, an
 * answer of the wrong kind (a sum to an echo), or an answer nobody asked for. The request it was read
 * for fails with this exception; the connection is closed, since the order of later answers can no
 * longer be trusted, and the other requests on it are sent again as after any lost connection.
 */
public final class BadAnswerException extends EchoClientException {
    private static final long serialVersionUID = 1L;

    /** An answer that could not be read, or was not the request's own; {@code message} says which. */
    public BadAnswerException(String message) {
        super(message);
    }

    /** The same, with the failure that made the answer unreadable. */
    public BadAnswerException(String message, Throwable cause) {
        super(message, cause);
    }
}
