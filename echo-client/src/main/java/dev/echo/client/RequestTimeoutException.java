package dev.echo.client;

/**
 * A request's deadline ({@link ClientConfig#requestTimeout()}) passed before its answer came. {@link
 * #wasWritten()} says whether it ever reached a connection: if it did, the server may have executed
 * it (harmless for echo and add). Its answer, should it come later, is read and dropped, never given
 * to another request. Message: {@code echo request timed out after 30s, written to 127.0.0.1:8080},
 * with what last sent it again if anything did ({@code ... (sent again after: 127.0.0.1:8080 is
 * shutting down)}), or {@code ... timed out after 30s, never written: no connection to 127.0.0.1:8080
 * (connection refused)}.
 */
public final class RequestTimeoutException extends EchoClientException {
    private static final long serialVersionUID = 1L;

    private final boolean written;

    /** A call past its deadline; {@code written}: whether its request ever reached a connection. */
    public RequestTimeoutException(String message, boolean written) {
        super(message);
        this.written = written;
    }

    /** True if the request was written to a connection at least once, so the server may have seen it. */
    public boolean wasWritten() {
        return written;
    }
}
