package dev.echo.client;

import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import java.util.Objects;

/**
 * The server answered a request with an {@link ErrorResponse}. The connection stays usable. An
 * {@link EchoClient} never retries these, except {@code SHUTTING_DOWN} (the server did not execute
 * the request), which it sends again elsewhere and reports only when it cannot. The message is
 * {@code CODE: detail}, for example {@code ADD_OVERFLOW: 2147483647 + 1 overflows int32}, the detail
 * as {@link Messages#printableDetail} writes it, control characters escaped and cut after {@value
 * Messages#PRINTED_DETAIL_CHARS} characters (a log or a terminal is where a message ends up, and the
 * server is untrusted: one sent a megabyte); {@link #detail()} is the server's text as sent, whole.
 */
public final class ServerErrorException extends EchoClientException {
    private static final long serialVersionUID = 1L;

    private final ErrorResponse.Code code;
    private final int codeNumber;
    private final String detail;

    /** The server's error answer: its {@code code} and its {@code detail} for a person. */
    public ServerErrorException(ErrorResponse.Code code, String detail) {
        this(code, code == ErrorResponse.Code.UNRECOGNIZED ? -1 : code.getNumber(), detail);
    }

    private ServerErrorException(ErrorResponse.Code code, int codeNumber, String detail) {
        super(describe(Objects.requireNonNull(code, "code"), codeNumber) + ": "
                + Messages.printableDetail(Objects.requireNonNull(detail, "detail")));
        this.code = code;
        this.codeNumber = codeNumber;
        this.detail = detail;
    }

    /** {@code ADD_OVERFLOW}, or {@code UNRECOGNIZED(7)} for a code this library does not know (a newer server's). */
    public static String describe(ErrorResponse.Code code, int codeNumber) {
        return code == ErrorResponse.Code.UNRECOGNIZED ? "UNRECOGNIZED(" + codeNumber + ")" : code.name();
    }

    /** The same as the server's {@code error} answer. */
    public static ServerErrorException of(ErrorResponse error) {
        return new ServerErrorException(error.getCode(), error.getCodeValue(), error.getDetail());
    }

    /** The error code the server sent; {@code UNRECOGNIZED} for one this library does not know, see {@link #codeNumber()}. */
    public ErrorResponse.Code code() {
        return code;
    }

    /** The error code's number as the server sent it, known to this library or not. */
    public int codeNumber() {
        return codeNumber;
    }

    /** The server's human-readable detail as sent, possibly empty, however long (the message holds its start). */
    public String detail() {
        return detail;
    }
}
