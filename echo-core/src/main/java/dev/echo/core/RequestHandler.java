package dev.echo.core;

import com.google.protobuf.DiscardUnknownFieldsParser;
import com.google.protobuf.Parser;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;

/**
 * What the service answers, apart from any I/O: every server (blocking, Netty) calls this one
 * place, so they cannot disagree.
 *
 * <ul>
 *   <li>echo: the content, unchanged;
 *   <li>add: the exact int32 sum, or {@code ADD_OVERFLOW} where it does not fit; never a wrapped sum;
 *   <li>a message with neither: {@code EMPTY_REQUEST}.
 * </ul>
 */
public final class RequestHandler {
    /**
     * Skips unknown fields instead of keeping them: a server has no use for them, and keeping them
     * costs an object per field, so a 4 MiB frame of two million empty unknown groups would allocate
     * hundreds of megabytes and stall every connection behind the garbage collector.
     */
    private static final Parser<ClientMessage> REQUEST_PARSER = DiscardUnknownFieldsParser.wrap(ClientMessage.parser());

    private RequestHandler() {}

    /**
     * The parser servers read requests with: {@link ClientMessage#parser()}, except that unknown
     * fields are skipped rather than kept, so a frame full of them costs no memory.
     */
    public static Parser<ClientMessage> requestParser() {
        return REQUEST_PARSER;
    }

    /** The one answer to {@code request}. Never null, never throws. */
    public static ServerMessage handle(ClientMessage request) {
        return switch (request.getMessageCase()) {
            case ECHO_MESSAGE -> Messages.echoAnswer(request.getEchoMessage().getContent());
            case ADD_REQUEST -> add(request.getAddRequest().getA(), request.getAddRequest().getB());
            case MESSAGE_NOT_SET -> Messages.error(ErrorResponse.Code.EMPTY_REQUEST,
                    "request has neither echo_message nor add_request");
        };
    }

    private static ServerMessage add(int a, int b) {
        int sum;
        try {
            sum = Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            return Messages.error(ErrorResponse.Code.ADD_OVERFLOW, a + " + " + b + " overflows int32");
        }
        return Messages.sum(sum);
    }
}
