package dev.echo.client;

import dev.echo.core.proto.ServerMessage;

/** What a request expects back, and how its answer becomes the caller's value. */
interface AnswerKind<T> {

    /** The text, for {@code echo}. */
    AnswerKind<String> ECHO = answer -> answer.hasEchoMessage() ? answer.getEchoMessage().getContent() : null;

    /** The sum, for {@code add}. */
    AnswerKind<Integer> ADD = answer -> answer.hasAddResponse() ? answer.getAddResponse().getResult() : null;

    /** The value, or null if {@code answer} (not an error answer) is of another kind. */
    T valueOf(ServerMessage answer);
}
