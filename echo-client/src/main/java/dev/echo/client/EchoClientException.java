package dev.echo.client;

/**
 * Why an {@link EchoClient} call failed: the parent of every failure the client reports, so that a
 * caller can catch them all at once or act on each kind ({@link ServerErrorException}, {@link
 * RequestTimeoutException}, {@link ConnectionLostException}, {@link BadAnswerException}, {@link
 * ClientClosedException}). Unchecked, as the failures of an asynchronous call arrive in a future.
 * A plain {@code EchoClientException} is thrown only when a waiting caller is interrupted (its
 * interrupt status is then set again).
 */
public class EchoClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failed call; {@code message} is one line for a person. */
    public EchoClientException(String message) {
        super(message);
    }

    /** The same, with its cause. */
    public EchoClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
