package dev.echo.client.shell;

import dev.echo.client.EchoConnection;
import dev.echo.core.AnswerCheck;
import dev.echo.core.Messages;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import org.HdrHistogram.Histogram;

/**
 * The commands that talk to the server, {@code echo}, {@code add} and {@code repeat}, on a
 * connection the {@link Session} provides; counts what was sent and answered, and can be told to
 * stop from another thread.
 */
final class RoundTrips {
    /** Three significant digits: 0.1% of a round trip, finer than the two decimals printed. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Output output;
    private volatile long requestsSent; // read by status and, in tests, by another thread
    private long lastRoundTripNanos = -1;
    /** Round trips answered by the command now running; a command is retried only before its first. */
    private long answeredThisCommand;
    /** A single round trip (not a repeat) is waiting for its answer. */
    private volatile boolean singleInFlight;
    private volatile boolean cancelled;

    RoundTrips(Output output) {
        this.output = output;
    }

    /** Forgets the previous command's cancel and answers. */
    void startCommand() {
        cancelled = false;
        answeredThisCommand = 0;
    }

    /** Stops a running {@code repeat} before its next round trip. Safe from any thread. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** True once the running command got an answer: sending it again would repeat it. */
    boolean answeredThisCommand() {
        return answeredThisCommand > 0;
    }

    /** A single request waits for its answer; closing the connection is the only way to stop it. */
    boolean singleInFlight() {
        return singleInFlight;
    }

    long requestsSent() {
        return requestsSent;
    }

    /** The last round trip's time in nanoseconds, or -1 before the first. */
    long lastRoundTripNanos() {
        return lastRoundTripNanos;
    }

    /** One request, its answer printed whatever it is. */
    Outcome single(EchoConnection client, Command.Request request) throws IOException {
        ClientMessage message = toMessage(request);
        long start = System.nanoTime();
        ServerMessage answer;
        singleInFlight = true; // before the count, so that a count seen elsewhere implies it
        requestsSent++;
        try {
            answer = client.call(message);
        } finally {
            singleInFlight = false;
        }
        long rtt = answered(start);
        if (answer.getMessageCase() == ServerMessage.MessageCase.MESSAGE_NOT_SET) {
            output.notices().println(client.endpoint() + ": the server sent an empty answer");
            return Outcome.FAILED;
        }
        return output.answer(request, answer, rtt);
    }

    /** {@code count} round trips, each answer checked, then one summary; the first wrong answer stops it. */
    Outcome repeat(EchoConnection client, Command.Repeat repeat) throws IOException {
        ClientMessage message = toMessage(repeat.request());
        ServerMessage expected = RequestHandler.handle(message); // the same every round
        Histogram rtts = new Histogram(SIGNIFICANT_DIGITS); // auto-resizing: no bound on the count
        long start = System.nanoTime();
        try {
            while (rtts.getTotalCount() < repeat.count() && !cancelled) {
                long sent = System.nanoTime();
                requestsSent++;
                ServerMessage answer = client.call(message);
                long rtt = answered(sent);
                if (answer.hasError()) {
                    return output.repeatError(repeat, answer.getError(), rtts.getTotalCount());
                }
                if (!AnswerCheck.matches(expected, answer)) {
                    output.wrongAnswer(AnswerCheck.mismatch(message, answer).orElseThrow(), repeat, rtts.getTotalCount());
                    return Outcome.FAILED;
                }
                rtts.recordValue(rtt);
            }
        } catch (IOException e) {
            if (rtts.getTotalCount() == 0) {
                throw e; // nothing answered yet: the caller may reconnect and start over
            }
            output.notices().println(e.getMessage() + Output.progress(repeat, rtts.getTotalCount()));
            return Outcome.FAILED;
        }
        long total = System.nanoTime() - start;
        boolean any = rtts.getTotalCount() > 0;
        output.repeatSummary(new RepeatResult(repeat, rtts.getTotalCount(), cancelled, total,
                any ? Math.round(rtts.getMean()) : 0, any ? rtts.getValueAtPercentile(99) : 0));
        return Outcome.OK;
    }

    private long answered(long sentNanos) {
        long rtt = System.nanoTime() - sentNanos;
        lastRoundTripNanos = rtt;
        answeredThisCommand++;
        return rtt;
    }

    static ClientMessage toMessage(Command.Request request) {
        return switch (request) {
            case Command.Echo echo -> Messages.echo(echo.text());
            case Command.Add add -> Messages.add(add.a(), add.b());
        };
    }
}
