package dev.echo.client;

import java.io.IOException;

/**
 * The server closed the connection cleanly, at a frame boundary, while an answer was awaited. The
 * message names the endpoint: {@code 127.0.0.1:8080 closed the connection}.
 */
public final class ConnectionClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The server at {@code endpoint} ({@code host:port}) closed the connection between answers. */
    public ConnectionClosedException(String endpoint) {
        super(endpoint + " closed the connection");
    }
}
