package dev.echo.it.probe;

import dev.echo.core.AnswerCheck;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.Optional;

/** What the checks expect of an answer; a wrong one fails the check, its message ready as evidence. */
final class Answers {
    private Answers() {}

    /** Fails unless {@code answer} is the one {@code request} must get (echo-core's {@link AnswerCheck}). */
    static void expectAnswerTo(ClientMessage request, ServerMessage answer) throws CheckFailedException {
        Optional<String> mismatch = AnswerCheck.mismatch(request, answer);
        if (mismatch.isPresent()) {
            throw new CheckFailedException(mismatch.get());
        }
    }

    /** Fails unless {@code answer} is the error {@code code}: for bytes that are no request. */
    static void expectError(ServerMessage answer, ErrorResponse.Code code) throws CheckFailedException {
        if (!answer.hasError() || answer.getError().getCode() != code) {
            throw new CheckFailedException("expected error " + code + ", got " + Messages.describe(answer));
        }
    }
}
