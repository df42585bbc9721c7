package dev.echo.it.probe;

import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;

/** Requests to send, and what the answers should be, each with a short description for evidence. */
final class Messages {
    private Messages() {}

    static ClientMessage echo(String content) {
        return ClientMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(content)).build();
    }

    static ClientMessage add(int a, int b) {
        return ClientMessage.newBuilder().setAddRequest(AddRequest.newBuilder().setA(a).setB(b)).build();
    }

    /**
     * {@code length} characters of a pattern without newlines or DC2 (0x0a, 0x12), so that no
     * fragment of the text reads as the tag of a ClientMessage field: a server that parses pieces of
     * a request alone cannot stumble on a valid request by chance.
     */
    static String text(String prefix, int length) {
        StringBuilder text = new StringBuilder(prefix);
        String pattern = "0123456789abcdefghijklmnopqrstuvwxyz";
        while (text.length() < length) {
            text.append(pattern.charAt(text.length() % pattern.length()));
        }
        text.setLength(length);
        return text.toString();
    }

    /** Fails unless {@code answer} echoes {@code content}. */
    static void expectEcho(ServerMessage answer, String content) throws CheckFailedException {
        if (!answer.hasEchoMessage() || !answer.getEchoMessage().getContent().equals(content)) {
            throw new CheckFailedException("expected echo " + describe(content) + ", got " + describe(answer));
        }
    }

    /** Fails unless {@code answer} is the sum {@code a + b}. */
    static void expectSum(ServerMessage answer, int a, int b) throws CheckFailedException {
        if (!answer.hasAddResponse() || answer.getAddResponse().getResult() != a + b) {
            throw new CheckFailedException("expected " + a + " + " + b + " = " + (a + b) + ", got " + describe(answer));
        }
    }

    /** Fails unless {@code answer} is the error {@code code}. */
    static void expectError(ServerMessage answer, ErrorResponse.Code code) throws CheckFailedException {
        if (!answer.hasError() || answer.getError().getCode() != code) {
            throw new CheckFailedException("expected error " + code + ", got " + describe(answer));
        }
    }

    /** "echo 'Hello, World!'", "add_response 30", "error ADD_OVERFLOW '...'" */
    static String describe(ServerMessage answer) {
        return switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> "echo " + describe(answer.getEchoMessage().getContent());
            case ADD_RESPONSE -> "add_response " + answer.getAddResponse().getResult();
            case ERROR -> "error " + answer.getError().getCode() + " '" + answer.getError().getDetail() + "'";
            case MESSAGE_NOT_SET -> "an empty ServerMessage";
        };
    }

    /** Short texts whole, long ones as their start and length. */
    static String describe(String content) {
        return content.length() <= 40 ? "'" + content + "'" : "'" + content.substring(0, 24) + "...' (" + content.length() + " chars)";
    }
}
