package dev.echo.bench.load;

import dev.echo.bench.load.RequestScript.Verdict;
import dev.echo.bench.load.RunState.Count;
import dev.echo.client.ClientClosedException;
import dev.echo.client.EchoClient;
import dev.echo.client.EchoClientException;
import dev.echo.client.ServerErrorException;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code --client library}: one of {@code --connections} threads sharing one {@link EchoClient},
 * each with {@code --pipeline} calls in flight (async), answers checked like the raw drivers'; so the
 * library's own cost shows beside theirs. Closed loop only. Each answer is rebuilt as a
 * ServerMessage for the script's check, which the raw drivers do not pay; it is a few dozen bytes.
 */
final class LibraryDriver implements Driver {
    private final int id;
    private final LoadConfig config;
    private final EchoClient client;
    private final RunState state;

    LibraryDriver(int id, LoadConfig config, EchoClient client, RunState state) {
        this.id = id;
        this.config = config;
        this.client = client;
        this.state = state;
    }

    @Override
    public void run() {
        state.connectAttemptsDone.incrementAndGet();
        state.open.incrementAndGet();
        try {
            drive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.open.decrementAndGet();
        }
    }

    /** At the stop, closes the shared client: every thread's calls fail at once, as abandoned by a closed client. */
    @Override
    public void closeFor(CloseReason reason) {
        if (reason != CloseReason.ABANDONED_AT_STOP) {
            return; // a late answer fails the library's own request deadline
        }
        client.close();
    }

    /** A caller's thread, not a connection: the connections are the shared client's. */
    @Override
    public String didNotStop(int id) {
        return "caller " + id + " of the shared client did not stop after the client was closed";
    }

    private void drive() throws InterruptedException {
        int pipeline = config.pipeline();
        RequestScript script = new RequestScript(id, config.size(), config.echoWeight(), config.addWeight(), pipeline);
        @SuppressWarnings("unchecked")
        CompletableFuture<?>[] calls = new CompletableFuture<?>[pipeline];
        long[] sentAt = new long[pipeline];
        long next = 0;
        while (!state.stopping) {
            for (int k = 0; k < pipeline; k++) {
                ClientMessage request = script.request(next + k);
                sentAt[k] = System.nanoTime();
                calls[k] = request.hasEchoMessage() ? client.echoAsync(request.getEchoMessage().getContent())
                        : client.addAsync(request.getAddRequest().getA(), request.getAddRequest().getB());
                state.increment(Count.SENT);
            }
            for (int k = 0; k < pipeline; k++) {
                check(script, next + k, calls[k], sentAt[k]);
            }
            next += pipeline;
        }
    }

    private void check(RequestScript script, long n, CompletableFuture<?> call, long sentAt)
            throws InterruptedException {
        ServerMessage answer;
        try {
            Object value = call.get();
            answer = value instanceof String text ? Messages.echoAnswer(text) : Messages.sum((Integer) value);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServerErrorException error) {
                answer = Messages.error(error.code(), error.detail());
            } else if (e.getCause() instanceof ClientClosedException && state.stopping) {
                // Closed by Drivers after the stop's grace: not a failure of the client. Unanswered.
                state.problem("thread " + id + ": answers in flight abandoned at the stop");
                return;
            } else {
                state.increment(Count.CONNECTION_ERRORS);
                state.problem("thread " + id + ", request " + n + ": " + (e.getCause() instanceof EchoClientException
                        ? e.getCause().getMessage() : String.valueOf(e.getCause())));
                return;
            }
        }
        state.latencyNanos.recordValue(Math.max(0, System.nanoTime() - sentAt));
        state.increment(Count.ANSWERED);
        Verdict verdict = script.verify(n, answer);
        if (verdict != Verdict.OK) {
            state.increment(verdict == Verdict.MISMATCH ? Count.MISMATCHES : Count.ERROR_ANSWERS);
            state.problem("thread " + id + ", request " + n + ": " + script.mismatch(n, answer).orElse("error answer"));
        }
    }
}
