package dev.echo.client;

/**
 * No connection could carry the request: its connection ended before the answer and it could not be
 * sent again (retries off, {@link ClientConfig#maxAttempts()} reached, or the retry budget spent), or
 * {@link EchoClient#connect(ClientConfig)} reached none of the addresses. The message names the
 * endpoint and what happened, for example {@code cannot connect to 127.0.0.1:8080: connection
 * refused} or {@code 127.0.0.1:8080 closed the connection before the answer (attempt 1 of 1)}.
 */
public final class ConnectionLostException extends EchoClientException {
    private static final long serialVersionUID = 1L;

    /** A call whose connection ended before its answer, with no retry left; {@code message} says why. */
    public ConnectionLostException(String message) {
        super(message);
    }

    /** The same, with the failure that ended the connection. */
    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
