package dev.echo.core;

import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;

/**
 * The protocol's rule for a client the server will not serve although nothing it sent was wrong:
 * which {@link ErrorResponse} code it gets. After either answer the connection ends. Every server
 * asks here, as it asks {@link FrameFailure} about bad frames; only sending and closing are its own.
 */
public enum Refusal {
    /** A connection beyond the server's connection limit: answered before it sends anything. */
    CONNECTION_LIMIT(ErrorResponse.Code.SERVER_BUSY),
    /**
     * A connection the server has no buffer space for (a TLS connection needs its record buffers
     * before its first byte): answered before it sends anything.
     */
    OUT_OF_BUFFERS(ErrorResponse.Code.SERVER_BUSY),
    /** A request read whole after shutdown began: answered instead of served. */
    SHUTTING_DOWN(ErrorResponse.Code.SHUTTING_DOWN);

    private final ErrorResponse.Code code;

    Refusal(ErrorResponse.Code code) {
        this.code = code;
    }

    /** The answer to a connection over a limit of {@code maxConnections}. */
    public static ServerMessage atConnectionLimit(int maxConnections) {
        return CONNECTION_LIMIT.answer("server is at its limit of " + maxConnections + " connections");
    }

    /** The answer to a connection that would take the buffer budget past its bound. */
    public static ServerMessage outOfBuffers(String what) {
        return OUT_OF_BUFFERS.answer("server is out of buffer space for " + what);
    }

    /** The answer to a request read after shutdown began. */
    public static ServerMessage shuttingDown() {
        return SHUTTING_DOWN.answer("server is shutting down");
    }

    /** The code the answer carries. */
    public ErrorResponse.Code code() {
        return code;
    }

    /** The error answer, with {@code detail} for a human reader. */
    public ServerMessage answer(String detail) {
        return Messages.error(code, detail);
    }
}
