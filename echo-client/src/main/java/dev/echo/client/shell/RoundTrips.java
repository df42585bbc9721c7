package dev.echo.client.shell;

import dev.echo.client.EchoClient;
import dev.echo.core.AnswerCheck;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
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
    Outcome single(EchoClient client, Command.Request request) throws IOException {
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
        return output.answer(answer, rtt);
    }

    /** {@code count} round trips, each answer checked, then one summary line; the first wrong answer stops it. */
    Outcome repeat(EchoClient client, Command.Repeat repeat) throws IOException {
        ClientMessage message = toMessage(repeat.request());
        Histogram rtts = new Histogram(SIGNIFICANT_DIGITS); // auto-resizing: no bound on the count
        int done = 0;
        long start = System.nanoTime();
        try {
            while (done < repeat.count() && !cancelled) {
                long sent = System.nanoTime();
                requestsSent++;
                ServerMessage answer = client.call(message);
                long rtt = answered(sent);
                String progress = " (after " + done + " of " + repeat.count() + ")";
                if (answer.hasError()) {
                    return output.error(answer.getError(), progress);
                }
                Optional<String> wrong = AnswerCheck.mismatch(message, answer);
                if (wrong.isPresent()) {
                    output.answers().println("wrong answer: " + wrong.get() + progress);
                    return Outcome.FAILED;
                }
                rtts.recordValue(rtt);
                done++;
            }
        } catch (IOException e) {
            if (done == 0) {
                throw e; // nothing answered yet: the caller may reconnect and start over
            }
            output.notices().println(e.getMessage() + " (after " + done + " of " + repeat.count() + ")");
            return Outcome.FAILED;
        }
        output.summary((cancelled ? "cancelled after " : "") + summary(repeat, rtts, System.nanoTime() - start));
        return Outcome.OK;
    }

    private long answered(long sentNanos) {
        long rtt = System.nanoTime() - sentNanos;
        lastRoundTripNanos = rtt;
        answeredThisCommand++;
        return rtt;
    }

    private static String summary(Command.Repeat repeat, Histogram rtts, long totalNanos) {
        String what = repeat.request() instanceof Command.Echo ? "echo" : "add";
        long done = rtts.getTotalCount();
        if (done == 0) {
            return "0 of " + repeat.count() + " " + what;
        }
        return String.format(Locale.ROOT, "%d%s %s in %s: mean %s, p99 %s",
                done, done == repeat.count() ? "" : " of " + repeat.count(), what, Output.millis(totalNanos),
                Output.millis(Math.round(rtts.getMean())), Output.millis(rtts.getValueAtPercentile(99)));
    }

    static ClientMessage toMessage(Command.Request request) {
        return switch (request) {
            case Command.Echo echo -> Messages.echo(echo.text());
            case Command.Add add -> Messages.add(add.a(), add.b());
        };
    }
}
