package dev.echo.core;

import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.util.Optional;

/**
 * Whether an answer is the one its request must get: the shell, the load generator and the
 * integration suite all check answers here, so they cannot disagree about what "right" means.
 *
 * <p>The expected answer is {@link RequestHandler#handle}'s. An error answer matches when its code
 * does: the detail is prose, and other servers (the Netty peer, a user's own) word it differently.
 */
public final class AnswerCheck {
    private AnswerCheck() {}

    /** True when {@code answer} is the one {@code request} must get. */
    public static boolean isAnswerTo(ClientMessage request, ServerMessage answer) {
        return matches(RequestHandler.handle(request), answer);
    }

    /**
     * True when {@code answer} is as good as {@code expected}, the answer {@link RequestHandler#handle}
     * gave: the same kind, and the same echo bytes, sum or error code. For a caller that checks many
     * answers against the same few requests (the load generator): it works {@code expected} out
     * once instead of building it again for every answer.
     */
    public static boolean matches(ServerMessage expected, ServerMessage answer) {
        if (expected.getMessageCase() != answer.getMessageCase()) {
            return false;
        }
        return switch (expected.getMessageCase()) {
            // Bytes, not strings: no decoding on the load generator's hot path.
            case ECHO_MESSAGE -> expected.getEchoMessage().getContentBytes().equals(answer.getEchoMessage().getContentBytes());
            case ADD_RESPONSE -> expected.getAddResponse().getResult() == answer.getAddResponse().getResult();
            case ERROR -> expected.getError().getCode() == answer.getError().getCode();
            case MESSAGE_NOT_SET -> true;
        };
    }

    /**
     * Empty when {@code answer} is the one {@code request} must get; otherwise one line saying what
     * was expected and what came, e.g. {@code for add 1 2 expected add_response 3, got echo '3'}.
     */
    public static Optional<String> mismatch(ClientMessage request, ServerMessage answer) {
        ServerMessage expected = RequestHandler.handle(request);
        if (matches(expected, answer)) {
            return Optional.empty();
        }
        return Optional.of("for " + Messages.describe(request) + " expected " + Messages.describe(expected)
                + ", got " + Messages.describe(answer));
    }
}
