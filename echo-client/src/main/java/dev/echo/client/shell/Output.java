package dev.echo.client.shell;

import dev.echo.client.ServerErrorException;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Where and how the shell prints: answers as {@link TextOutput text} or {@link JsonOutput JSON
 * lines}, the shell's own words (status, help, connect) to {@link #text()}, connection trouble and
 * usage mistakes to {@link #notices()}. {@link OutputStyle} picks one.
 */
sealed interface Output permits TextOutput, JsonOutput {

    /** For what the user asked to see in words: status, help, connect and disconnect. */
    PrintWriter text();

    /** For connection trouble, usage mistakes and announcements nobody asked for. */
    PrintWriter notices();

    /**
     * Prints the answer to one request: an echo's text, a sum, or an error answer (never an empty
     * answer: that is a notice).
     *
     * @return {@link Outcome#SERVER_ERROR} for an error answer, else {@link Outcome#OK}
     */
    Outcome answer(Command.Request request, ServerMessage answer, long rttNanos);

    /** A {@code repeat} stopped by an error answer after {@code answered} good ones. */
    Outcome repeatError(Command.Repeat repeat, ErrorResponse error, long answered);

    /** A {@code repeat} ended, cancelled or not. */
    void repeatSummary(RepeatResult result);

    /** An answer that is not its request's: the server broke the protocol. */
    default void wrongAnswer(String what, Command.Repeat repeat, long answered) {
        notices().println("wrong answer: " + what + progress(repeat, answered));
    }

    default void flush() {
        text().flush();
        notices().flush();
    }

    /** {@code  (after 3 of 10)}. */
    static String progress(Command.Repeat repeat, long answered) {
        return " (after " + answered + " of " + repeat.count() + ")";
    }

    /** The error's code: {@code ADD_OVERFLOW}, or {@code UNRECOGNIZED(7)} for one this shell does not know. */
    static String code(ErrorResponse error) {
        return ServerErrorException.describe(error.getCode(), error.getCodeValue());
    }

    /** {@code 0.21 ms}. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
