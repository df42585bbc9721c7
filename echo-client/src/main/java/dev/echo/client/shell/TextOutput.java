package dev.echo.client.shell;

import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Answers as a person or a script reads them: {@code hi}, {@code 30}, {@code error ADD_OVERFLOW:
 * ...}, with or without the round trip's time after them.
 *
 * @param answers where answers go
 * @param notices where trouble goes
 * @param timings print {@code  (0.21 ms)} after each answer
 * @param errorsApart error answers go to {@code notices}, so that a script's {@code $(...)} holds
 *     answers only; else they go with the answers
 */
record TextOutput(PrintWriter answers, PrintWriter notices, boolean timings, boolean errorsApart) implements Output {

    /** The shell's own words go with the answers. */
    @Override
    public PrintWriter text() {
        return answers;
    }

    @Override
    public Outcome answer(Command.Request request, ServerMessage answer, long rttNanos) {
        return switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> value(answer.getEchoMessage().getContent(), rttNanos);
            case ADD_RESPONSE -> value(Integer.toString(answer.getAddResponse().getResult()), rttNanos);
            case ERROR -> error(answer.getError(), "");
            case MESSAGE_NOT_SET -> throw new IllegalArgumentException("an empty answer is not printed as one");
        };
    }

    @Override
    public Outcome repeatError(Command.Repeat repeat, ErrorResponse error, long answered) {
        return error(error, Output.progress(repeat, answered));
    }

    @Override
    public void repeatSummary(RepeatResult result) {
        Command.Repeat repeat = result.repeat();
        String line = result.answered() == 0
                ? "0 of " + repeat.count() + " " + result.what()
                : String.format(Locale.ROOT, "%d%s %s in %s: mean %s, p99 %s", result.answered(),
                        result.answered() == repeat.count() ? "" : " of " + repeat.count(), result.what(),
                        Output.millis(result.totalNanos()), Output.millis(result.meanNanos()), Output.millis(result.p99Nanos()));
        answers.println((result.cancelled() ? "cancelled after " : "") + line);
    }

    /** {@code error ADD_OVERFLOW: 2147483647 + 1 overflows int32} and {@code suffix}; a long detail cut short. */
    private Outcome error(ErrorResponse error, String suffix) {
        (errorsApart ? notices : answers).println("error " + Output.code(error) + ": " + Messages.printableDetail(error.getDetail())
                + suffix);
        return Outcome.SERVER_ERROR;
    }

    private Outcome value(String text, long rttNanos) {
        answers.println(timings ? text + "  (" + Output.millis(rttNanos) + ")" : text);
        return Outcome.OK;
    }
}
