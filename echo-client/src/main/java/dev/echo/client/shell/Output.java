package dev.echo.client.shell;

import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Where and how the shell prints: answers (error answers included) to one writer, connection
 * trouble and notices to another, round-trip times after answers or not.
 */
final class Output {
    private final PrintWriter answers;
    private final PrintWriter notices;
    private final boolean timings;

    Output(PrintWriter answers, PrintWriter notices, boolean timings) {
        this.answers = answers;
        this.notices = notices;
        this.timings = timings;
    }

    /** For answers and what the user asked to see (status, help, connect). */
    PrintWriter answers() {
        return answers;
    }

    /** For connection trouble, usage mistakes and announcements nobody asked for. */
    PrintWriter notices() {
        return notices;
    }

    /**
     * Prints the answer to one request (an echo's text, a sum, or an error answer).
     *
     * @return {@link Outcome#SERVER_ERROR} for an error answer, else {@link Outcome#OK}
     */
    Outcome answer(ServerMessage answer, long rttNanos) {
        return switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> value(answer.getEchoMessage().getContent(), rttNanos);
            case ADD_RESPONSE -> value(Integer.toString(answer.getAddResponse().getResult()), rttNanos);
            case ERROR -> error(answer.getError(), "");
            case MESSAGE_NOT_SET -> throw new IllegalArgumentException("an empty answer has nothing to print");
        };
    }

    /** {@code error ADD_OVERFLOW: 2147483647 + 1 overflows int32} and {@code suffix}. */
    Outcome error(ErrorResponse error, String suffix) {
        answers.println("error " + error.getCode() + ": " + error.getDetail() + suffix);
        return Outcome.SERVER_ERROR;
    }

    /** A finished (or stopped) {@code repeat}'s one line. */
    void summary(String line) {
        answers.println(line);
    }

    void flush() {
        answers.flush();
        notices.flush();
    }

    private Outcome value(String text, long rttNanos) {
        answers.println(timings ? text + "  (" + millis(rttNanos) + ")" : text);
        return Outcome.OK;
    }

    /** {@code 0.21 ms}. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
