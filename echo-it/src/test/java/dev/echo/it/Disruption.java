package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoConnection;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that hold a {@link Conversation} until something done to their server (a pause, a kill)
 * ends it: once every client is connected and enough answers are in, the disruption runs, and each
 * client stops at its first {@link IOException}. An IOException before the disruption, a wrong
 * answer, or a client that never stops fails the test.
 */
final class Disruption {
    private static final long NOT_YET = Long.MIN_VALUE;
    /** How long the clients may take to connect and get their answers in before the disruption. */
    private static final Duration BEFORE = Duration.ofSeconds(30);

    private Disruption() {}

    /** How one client's conversation ended: {@code millis} after the disruption, with {@code message}. */
    record Stop(long millis, String message) {}

    /**
     * @param what the disruption in messages: "pause", "kill"
     * @param answersBefore correct answers to wait for, over all clients, before disrupting
     * @param deadline for the clients' last stop, counted after the {@link #BEFORE} they may take to
     *     get ready: on a busy machine connecting and the first answers take what they take, and how
     *     promptly clients stop is the caller's to assert on the returned {@link Stop#millis()}
     * @return how each client stopped, one per client
     */
    static List<Stop> talkUntil(ClientConfig config, int clients, int answersBefore, String what, Runnable disrupt,
                                Duration deadline) {
        Conversation.Tally tally = new Conversation.Tally();
        AtomicInteger connected = new AtomicInteger();
        AtomicLong disruptedAt = new AtomicLong(NOT_YET);
        ConcurrentLinkedQueue<Stop> stops = new ConcurrentLinkedQueue<>();
        Thread disrupter = Thread.ofVirtual().start(() -> {
            Await.until("all clients connected and " + answersBefore + " answers before the " + what,
                    BEFORE, () -> connected.get() == clients && tally.correct.get() >= answersBefore,
                    () -> connected + " connected, " + tally);
            disruptedAt.set(System.nanoTime()); // first: an IOException from here on is the disruption's
            disrupt.run();
        });
        Parallel.Outcome outcome = Parallel.run(clients, BEFORE.plus(deadline), i -> {
            try (EchoConnection client = EchoConnection.connect(config)) {
                connected.incrementAndGet();
                for (int r = 0; r < 1_000_000; r++) {
                    try {
                        Conversation.exchange(client, i, r, tally);
                    } catch (IOException e) {
                        long at = disruptedAt.get();
                        if (at == NOT_YET) {
                            throw e;
                        }
                        stops.add(new Stop((System.nanoTime() - at) / 1_000_000, e.getMessage()));
                        return;
                    }
                }
                throw new AssertionError("client " + i + " was never stopped by the " + what);
            }
        });
        joinWithin(disrupter, BEFORE);
        outcome.assertAllSucceeded("clients to stop at the " + what + " (" + tally + ")");
        assertEquals(0, tally.wrong.get(), "expected no wrong answer: " + tally);
        assertEquals(clients, stops.size(), "expected every client to see the " + what + ": " + stops);
        return List.copyOf(stops);
    }

    private static void joinWithin(Thread thread, Duration deadline) {
        try {
            if (!thread.join(deadline)) {
                throw new AssertionError("expected " + thread + " to finish within " + deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
