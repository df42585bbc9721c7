package dev.echo.client;

import dev.echo.core.proto.ErrorResponse;
import java.util.Objects;

/**
 * The server answered a request with an {@link ErrorResponse}. The connection stays usable. An
 * {@link EchoClient} never retries these, except {@code SHUTTING_DOWN} (the server did not execute
 * the request), which it sends again elsewhere and reports only when it cannot. The message is
 * {@code CODE: detail}, for example {@code ADD_OVERFLOW: 2147483647 + 1 overflows int32}.
 */
public final class ServerErrorException extends EchoClientException {
    private static final long serialVersionUID = 1L;

    private final ErrorResponse.Code code;
    private final String detail;

    /** The server's error answer: its {@code code} and its {@code detail} for a person. */
    public ServerErrorException(ErrorResponse.Code code, String detail) {
        super(Objects.requireNonNull(code, "code") + ": " + Objects.requireNonNull(detail, "detail"));
        this.code = code;
        this.detail = detail;
    }

    /** The same as the server's {@code error} answer. */
    public static ServerErrorException of(ErrorResponse error) {
        return new ServerErrorException(error.getCode(), error.getDetail());
    }

    /** The error code the server sent. */
    public ErrorResponse.Code code() {
        return code;
    }

    /** The server's human-readable detail, possibly empty. */
    public String detail() {
        return detail;
    }
}
