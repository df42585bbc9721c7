package dev.echo.server;

import java.io.IOException;

/** A TLS handshake that failed, with the reason the server counts it under. */
final class HandshakeException extends IOException {
    private final HandshakeFailure reason;

    HandshakeException(HandshakeFailure reason, String message, Throwable cause) {
        super(reason.label() + ": " + message, cause);
        this.reason = reason;
    }

    HandshakeFailure reason() {
        return reason;
    }
}
