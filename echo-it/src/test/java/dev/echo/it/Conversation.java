package dev.echo.it;

import dev.echo.client.EchoConnection;
import dev.echo.core.AnswerCheck;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mixed echo and add requests whose every answer is known in advance, so that content and order are
 * checked, not assumed: request {@code r} of client {@code c} echoes a text naming both (with a
 * multi-byte character every few requests) or adds {@code c} and {@code r}.
 */
final class Conversation {
    private Conversation() {}

    /** Counts across many clients: requests sent, answers that were right, answers that were wrong. */
    static final class Tally {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong correct = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();

        @Override
        public String toString() {
            return "sent=" + sent + ", correct=" + correct + ", wrong=" + wrong;
        }
    }

    static String text(int client, int request) {
        return "client " + client + " request " + request + (request % 7 == 0 ? " ✓ ünïcödé 🚀" : "");
    }

    /** One request and the check of its answer; a wrong answer throws AssertionError naming both. */
    static void exchange(EchoConnection client, int clientId, int request, Tally tally) throws IOException {
        tally.sent.incrementAndGet();
        if (request % 2 == 0) {
            String expected = text(clientId, request);
            String answer = client.echo(expected);
            check(tally, expected.equals(answer), clientId, request, "echo '" + expected + "'", answer);
        } else {
            int answer = client.add(clientId, request);
            check(tally, answer == clientId + request, clientId, request,
                    "add " + clientId + " + " + request + " = " + (clientId + request), answer);
        }
    }

    /**
     * {@code clients} clients of 127.0.0.1:{@code port} that connect, wait until all of them are
     * connected, then each {@link #run}s {@code requests} exchanges; fails unless every client ended
     * well within {@code deadline} and every answer was right.
     *
     * @param what the clients, in the failure message
     */
    static void allAtOnce(int port, int clients, int requests, Duration deadline, String what) {
        Tally tally = new Tally();
        CountDownLatch allConnected = new CountDownLatch(clients);
        Parallel.Outcome outcome = Parallel.run(clients, deadline, i -> {
            try (EchoConnection client = Clients.connect(port)) {
                awaitAll(allConnected, Duration.ofSeconds(60));
                run(client, i, requests, tally);
            }
        });
        outcome.assertAllSucceeded(what + " (" + tally + ")");
        if (tally.correct.get() != (long) clients * requests) {
            throw new AssertionError("expected every request of every client answered correctly: " + tally);
        }
    }

    /**
     * Counts this client in and waits for all the others, so that they are connected at once before
     * anyone sends: concurrency that is shown, not hoped for.
     */
    private static void awaitAll(CountDownLatch connected, Duration deadline) throws InterruptedException {
        connected.countDown();
        if (!connected.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("expected every client connected at once within " + deadline + ", "
                    + connected.getCount() + " were still missing");
        }
    }

    /** {@code requests} exchanges in order on one connection. */
    static void run(EchoConnection client, int clientId, int requests, Tally tally) throws IOException {
        for (int r = 0; r < requests; r++) {
            exchange(client, clientId, r, tally);
        }
    }

    /**
     * Fails unless {@code answer} is the one {@code request} must get (core's {@link AnswerCheck}),
     * saying {@code which} answer it was, what was expected and what came.
     */
    static void assertAnswer(ClientMessage request, ServerMessage answer, String which) {
        if (answer == null) {
            throw new AssertionError(which + ": for " + Messages.describe(request) + " no answer came");
        }
        AnswerCheck.mismatch(request, answer).ifPresent(mismatch -> {
            throw new AssertionError(which + ": " + mismatch);
        });
    }

    private static void check(Tally tally, boolean right, int client, int request, String expected, Object answer) {
        if (!right) {
            tally.wrong.incrementAndGet();
            throw new AssertionError("client " + client + " request " + request + ": expected " + expected
                    + ", got " + answer);
        }
        tally.correct.incrementAndGet();
    }
}
