package dev.echo.client;

/**
 * The {@link EchoClient} was closed: a call made after {@link EchoClient#close()}, or a request still
 * unanswered when close() stopped waiting.
 */
public final class ClientClosedException extends EchoClientException {
    private static final long serialVersionUID = 1L;

    /** A call made after, or cut short by, {@link EchoClient#close()}. */
    public ClientClosedException(String message) {
        super(message);
    }
}
