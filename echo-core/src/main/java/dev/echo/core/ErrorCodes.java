package dev.echo.core;

import dev.echo.core.proto.ErrorResponse;
import java.util.Arrays;
import java.util.List;

/**
 * What each error code means for counting, decided once for every server: which codes an error
 * answer can carry, and whether an error answer is a request's one answer or a refusal that answers
 * no request. The switch has no default, so a code added to the protocol does not compile until it
 * is placed here.
 */
public final class ErrorCodes {
    /** Every code an error answer can carry, in the enum's order (protobuf's {@code UNRECOGNIZED} stand-in left out). */
    public static final List<ErrorResponse.Code> ALL = Arrays.stream(ErrorResponse.Code.values())
            .filter(code -> code != ErrorResponse.Code.UNRECOGNIZED).toList();

    private ErrorCodes() {}

    /**
     * True if an error answer with {@code code} is the one answer to a frame the client sent, and so
     * counts among the requests answered: a malformed, empty, too large or overflowing request, or
     * one read whole after shutdown began ({@link Refusal#SHUTTING_DOWN}). False for {@code
     * SERVER_BUSY}, which refuses a connection at the limit ({@link Refusal#CONNECTION_LIMIT}) or a
     * frame the buffer budget could not hold ({@link FrameFailure#OVER_BUDGET}), before any request
     * was read, and for codes that are never sent.
     */
    public static boolean answersRequest(ErrorResponse.Code code) {
        return switch (code) {
            case MALFORMED_MESSAGE, EMPTY_REQUEST, FRAME_TOO_LARGE, ADD_OVERFLOW, SHUTTING_DOWN -> true;
            case SERVER_BUSY -> false;
            case CODE_UNSPECIFIED, UNRECOGNIZED -> false;
        };
    }
}
