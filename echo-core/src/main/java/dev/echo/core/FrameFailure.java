package dev.echo.core;

import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.Objects;

/**
 * The protocol's rule for a frame that cannot be served: which {@link ErrorResponse} code the peer
 * gets, and whether the connection ends after it. Every server (echo-server's handler, the Netty
 * peer) asks here, so they cannot disagree; only the I/O of sending the answer and closing is theirs.
 *
 * <p>A failure of the framing itself leaves no trustworthy boundary for a next frame, so the
 * connection ends; a whole delimited frame whose body does not parse is answered and the
 * connection goes on, because its length prefix still says where the next frame starts.
 */
public enum FrameFailure {
    /** The length prefix announces more than the maximum ({@link FrameTooLargeException}). */
    TOO_LARGE(ErrorResponse.Code.FRAME_TOO_LARGE, true),
    /** The framing bytes themselves are invalid ({@link MalformedFrameException}). */
    MALFORMED(ErrorResponse.Code.MALFORMED_MESSAGE, true),
    /** The peer closed inside a frame ({@link TruncatedFrameException}): nobody is left to answer. */
    TRUNCATED(null, true),
    /** The frame would take the server over its buffer budget ({@link BufferBudgetExceededException}). */
    OVER_BUDGET(ErrorResponse.Code.SERVER_BUSY, true),
    /** A whole delimited frame whose body is not a ClientMessage: the next frame can still be found. */
    UNPARSABLE(ErrorResponse.Code.MALFORMED_MESSAGE, false),
    /** A raw frame whose body is not a ClientMessage: without a prefix, no boundary can be trusted. */
    UNPARSABLE_RAW(ErrorResponse.Code.MALFORMED_MESSAGE, true);

    private final ErrorResponse.Code code;
    private final boolean closesConnection;

    FrameFailure(ErrorResponse.Code code, boolean closesConnection) {
        this.code = code;
        this.closesConnection = closesConnection;
    }

    /** The rule for a failure of the framing. */
    public static FrameFailure of(FrameException failure) {
        Objects.requireNonNull(failure, "failure");
        return switch (failure) {
            case FrameTooLargeException e -> TOO_LARGE;
            case MalformedFrameException e -> MALFORMED;
            case TruncatedFrameException e -> TRUNCATED;
            case BufferBudgetExceededException e -> OVER_BUDGET;
            default -> throw new IllegalArgumentException("no rule for frame failure " + failure.getClass().getName());
        };
    }

    /** The rule for a whole frame of {@code framing} whose body does not parse as a ClientMessage. */
    public static FrameFailure unparsable(Framing framing) {
        return framing == Framing.RAW ? UNPARSABLE_RAW : UNPARSABLE;
    }

    /** False when there is nobody to answer ({@link #TRUNCATED}). */
    public boolean answered() {
        return code != null;
    }

    /** The code the answer carries; null if the failure is not {@link #answered()}. */
    public ErrorResponse.Code code() {
        return code;
    }

    /** True if the connection ends after the answer (or at once, when there is none). */
    public boolean closesConnection() {
        return closesConnection;
    }

    /**
     * The error answer, with {@code detail} for a human reader.
     *
     * @throws IllegalStateException if this failure is not {@link #answered()}
     */
    public ServerMessage answer(String detail) {
        if (code == null) {
            throw new IllegalStateException(name() + " is not answered: the peer has gone");
        }
        return Messages.error(code, detail);
    }
}
