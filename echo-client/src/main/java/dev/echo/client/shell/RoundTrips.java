package dev.echo.client.shell;

import dev.echo.client.EchoClient;
import dev.echo.client.EchoClientException;
import dev.echo.client.ServerErrorException;
import dev.echo.core.AnswerCheck;
import dev.echo.core.Messages;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.HdrHistogram.Histogram;

/**
 * The commands that talk to the server, {@code echo}, {@code add} and {@code repeat}, through the
 * {@link EchoClient} the {@link Session} provides (which reconnects and retries by itself); counts
 * what was sent and answered, and can be told to stop from another thread.
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
    /** The answer a single round trip waits for; {@link #cancel()} cancels it. */
    private volatile CompletableFuture<ServerMessage> pending;

    RoundTrips(Output output) {
        this.output = output;
    }

    /** Forgets the previous command's cancel and answers. */
    void startCommand() {
        cancelled = false;
        answeredThisCommand = 0;
    }

    /**
     * Stops a running {@code repeat} before its next round trip, and stops waiting for a single
     * round trip's answer. Safe from any thread.
     */
    void cancel() {
        cancelled = true;
        CompletableFuture<ServerMessage> waiting = pending;
        if (waiting != null && singleInFlight) {
            waiting.cancel(false);
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    /** True once the running command got an answer: sending it again would repeat it. */
    boolean answeredThisCommand() {
        return answeredThisCommand > 0;
    }

    /** A single request waits for its answer: a cancel abandons it. */
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

    /**
     * One request, its answer printed whatever it is.
     *
     * @throws EchoClientException if it was not answered (the library's retries spent, its deadline
     *     passed, the server broke the protocol)
     * @throws CancellationException if {@link #cancel()} abandoned it
     */
    Outcome single(EchoClient client, Command.Request request) {
        long start = System.nanoTime();
        ServerMessage answer;
        singleInFlight = true; // before the count, so that a count seen elsewhere implies it
        requestsSent++;
        try {
            CompletableFuture<ServerMessage> future = send(client, request);
            pending = future;
            if (cancelled) {
                future.cancel(false); // a cancel between the count and the send
            }
            answer = await(future);
        } finally {
            singleInFlight = false;
            pending = null;
        }
        return output.answer(request, answer, answered(start));
    }

    /** {@code count} round trips, each answer checked, then one summary; the first wrong answer stops it. */
    Outcome repeat(EchoClient client, Command.Repeat repeat) {
        ClientMessage message = toMessage(repeat.request());
        ServerMessage expected = RequestHandler.handle(message); // the same every round
        Histogram rtts = new Histogram(SIGNIFICANT_DIGITS); // auto-resizing: no bound on the count
        long start = System.nanoTime();
        try {
            while (rtts.getTotalCount() < repeat.count() && !cancelled) {
                long sent = System.nanoTime();
                requestsSent++;
                ServerMessage answer = await(send(client, repeat.request()));
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
        } catch (EchoClientException e) {
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

    /** The library's answer as the server's message, an error answer included, so that output stays one code path. */
    private static CompletableFuture<ServerMessage> send(EchoClient client, Command.Request request) {
        return switch (request) {
            case Command.Echo echo -> client.echoAsync(echo.text()).thenApply(Messages::echoAnswer);
            case Command.Add add -> client.addAsync(add.a(), add.b()).thenApply(Messages::sum);
        };
    }

    private static ServerMessage await(CompletableFuture<ServerMessage> answer) {
        try {
            return answer.get(); // the client's deadline completes it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case ServerErrorException error -> Messages.error(error.codeNumber(), error.detail()); // a newer server's code too
                case EchoClientException failure -> throw failure;
                default -> throw new EchoClientException(String.valueOf(e.getCause()), e.getCause());
            };
        }
    }

    static ClientMessage toMessage(Command.Request request) {
        return switch (request) {
            case Command.Echo echo -> Messages.echo(echo.text());
            case Command.Add add -> Messages.add(add.a(), add.b());
        };
    }
}
