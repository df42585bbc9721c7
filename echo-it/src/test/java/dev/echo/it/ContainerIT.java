package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 10: the image a user deploys, built from the top-level Dockerfile, runs the server; it
 * serves many clients, survives a pause, fails fast when killed and holds 5,000 connections in a
 * 256 MiB container. The containers use the host network and listen on 127.0.0.1.
 */
@RequiresDocker
class ContainerIT {

    @BeforeAll
    static void buildImage() {
        ServerImage.get();
    }

    @Test
    void imageServesTheOriginalScenariosAndOneThousandConcurrentClients() {
        try (ServerContainer server = ServerContainer.start(0)) {
            try (EchoClient client = Clients.connect(server.port())) {
                assertEquals("Hello, World!", client.echo("Hello, World!"), "expected the echo of Hello, World!");
                assertEquals(30, client.add(10, 20), "expected 10 + 20 = 30");
            } catch (IOException e) {
                throw new AssertionError("expected the container on port " + server.port() + " to answer", e);
            }
            Conversation.Tally tally = new Conversation.Tally();
            int clients = 1_000;
            int requests = 20;
            CountDownLatch allConnected = new CountDownLatch(clients);
            Parallel.Outcome outcome = Parallel.run(clients, Duration.ofSeconds(90), i -> {
                try (EchoClient client = Clients.connect(server.port())) {
                    Conversation.awaitAll(allConnected, Duration.ofSeconds(60));
                    Conversation.run(client, i, requests, tally);
                }
            });
            outcome.assertAllSucceeded("clients of the container (" + tally + ")");
            assertEquals((long) clients * requests, tally.correct.get(),
                    "expected every request of every client answered correctly: " + tally);
        }
    }

    @Test
    void pausedServerMakesClientsTimeOutClearlyAndServesAgainAfterUnpause() throws IOException {
        try (ServerContainer server = ServerContainer.start(0)) {
            ClientConfig config = Clients.config(server.port()).toBuilder().readTimeout(Duration.ofSeconds(2)).build();
            Conversation.Tally tally = new Conversation.Tally();
            ConcurrentLinkedQueue<String> timeouts = new ConcurrentLinkedQueue<>();
            AtomicBoolean paused = new AtomicBoolean();
            AtomicInteger connected = new AtomicInteger();
            int clients = 20;
            Thread pauser = Thread.ofVirtual().start(() -> {
                Await.until("all clients connected and 200 answers before the pause", Duration.ofSeconds(30),
                        () -> connected.get() == clients && tally.correct.get() >= 200,
                        () -> connected + " connected, " + tally);
                paused.set(true); // first: a timeout from here on is the pause's
                server.pause();
            });
            Parallel.Outcome outcome = Parallel.run(clients, Duration.ofSeconds(60), i -> {
                try (EchoClient client = EchoClient.connect(config)) {
                    connected.incrementAndGet();
                    for (int r = 0; r < 1_000_000; r++) { // ends at the pause: the read timeout
                        try {
                            Conversation.exchange(client, i, r, tally);
                        } catch (IOException e) {
                            if (!paused.get()) {
                                throw e;
                            }
                            timeouts.add(e.getMessage());
                            return;
                        }
                    }
                    throw new AssertionError("client " + i + " was never stopped by the pause");
                }
            });
            joinWithin(pauser, Duration.ofSeconds(30));
            outcome.assertAllSucceeded("clients to time out at the pause (" + tally + ")");
            assertEquals(0, tally.wrong.get(), "expected no wrong answer: " + tally);
            assertEquals(clients, timeouts.size(), "expected every client to see the timeout: " + timeouts);
            String endpoint = "127.0.0.1:" + server.port();
            for (String message : timeouts) {
                assertTrue(message.startsWith(endpoint + ": ") && message.contains("no answer within"),
                        "expected a timeout naming " + endpoint + " and the wait, got: " + message);
            }

            server.unpause();
            try (EchoClient client = Clients.connect(server.port())) {
                assertEquals("back", client.echo("back"), "expected the unpaused server to answer a new client");
                assertEquals(3, client.add(1, 2), "expected 1 + 2 = 3 after unpause");
            }
        }
    }

    @Test
    void killedServerMakesClientsFailPromptlyAndNothingHangs() {
        try (ServerContainer server = ServerContainer.start(0)) {
            Conversation.Tally tally = new Conversation.Tally();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicLong killedAt = new AtomicLong();
            ConcurrentLinkedQueue<Long> failedAfterMillis = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger connected = new AtomicInteger();
            int clients = 50;
            Thread killer = Thread.ofVirtual().start(() -> {
                Await.until("all clients connected and 500 answers before the kill", Duration.ofSeconds(30),
                        () -> connected.get() == clients && tally.correct.get() >= 500,
                        () -> connected + " connected, " + tally);
                killedAt.set(System.nanoTime());
                killed.set(true);
                server.kill();
            });
            // The read timeout (20 s) is far longer than "promptly": a client that only notices
            // through its timeout makes the deadline below fail.
            Parallel.Outcome outcome = Parallel.run(clients, Duration.ofSeconds(15), i -> {
                try (EchoClient client = Clients.connect(server.port())) {
                    connected.incrementAndGet();
                    for (int r = 0; r < 1_000_000; r++) {
                        try {
                            Conversation.exchange(client, i, r, tally);
                        } catch (IOException e) {
                            if (!killed.get()) {
                                throw e;
                            }
                            failedAfterMillis.add((System.nanoTime() - killedAt.get()) / 1_000_000);
                            failures.add(e.getMessage());
                            return;
                        }
                    }
                }
            });
            joinWithin(killer, Duration.ofSeconds(30));
            outcome.assertAllSucceeded("clients to fail with an IOException after the kill (" + tally + ")");
            assertEquals(0, tally.wrong.get(), "expected no wrong answer: " + tally);
            long slowest = failedAfterMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
            assertEquals(clients, failedAfterMillis.size(), "expected every client to notice the kill");
            assertTrue(slowest < 5_000, "expected every client to fail within 5 s of the kill, slowest took "
                    + slowest + " ms; messages: " + failures.stream().distinct().toList());
            String endpoint = "127.0.0.1:" + server.port();
            for (String message : failures) {
                assertTrue(message.startsWith(endpoint), "expected the failure to name " + endpoint + ": " + message);
            }
        }
    }

    @Test
    void dockerStopEndsTheServerGracefullyWithExitZeroAndTheSummaryLine() throws IOException {
        try (ServerContainer server = ServerContainer.start(0, "--grace", "2s")) {
            try (EchoClient client = Clients.connect(server.port())) {
                assertEquals("before stop", client.echo("before stop"), "expected an answer before docker stop");
            }
            long start = System.nanoTime();
            long exit = server.stop(Duration.ofSeconds(20));
            long millis = (System.nanoTime() - start) / 1_000_000;
            String logs = server.logs();
            assertEquals(0, exit, "expected exit code 0 after docker stop (SIGTERM to PID 1); logs:\n" + logs);
            assertTrue(millis < 10_000, "expected the server to stop well before docker's 20 s SIGKILL, took " + millis + " ms");
            assertTrue(logs.lines().anyMatch(line -> line.startsWith("echo-server stopped:")),
                    "expected the summary line 'echo-server stopped: ...'; logs:\n" + logs);
        }
    }

    @Test
    void containerLimitedTo256MiBHoldsFiveThousandConnections() {
        int connections = 5_000;
        try (ServerContainer server = ServerContainer.start(256L * 1024 * 1024, "--max-connections", "10000")) {
            List<EchoClient> open = new ArrayList<>(connections);
            ConcurrentLinkedQueue<EchoClient> opened = new ConcurrentLinkedQueue<>();
            Conversation.Tally tally = new Conversation.Tally();
            Semaphore connecting = new Semaphore(100); // the listen backlog is finite; SYN retries would only slow this
            try {
                Parallel.run(connections, Duration.ofSeconds(120), i -> {
                    connecting.acquire();
                    try {
                        EchoClient client = Clients.connect(server.port());
                        opened.add(client);
                        Conversation.exchange(client, i, 0, tally);
                    } finally {
                        connecting.release();
                    }
                }).assertAllSucceeded("connections to open and be answered (" + tally + ")");
                open.addAll(opened);
                assertEquals(connections, open.size(), "expected " + connections + " open connections");
                // All of them at once, still held: each is answered once more.
                List<EchoClient> clients = List.copyOf(open);
                Parallel.run(connections, Duration.ofSeconds(120), i -> {
                    connecting.acquire();
                    try {
                        Conversation.exchange(clients.get(i), i, 1, tally);
                    } finally {
                        connecting.release();
                    }
                }).assertAllSucceeded("held connections to be answered again (" + tally + ")");
                assertEquals(2L * connections, tally.correct.get(), "expected two right answers per connection: " + tally);
                String memory = server.memoryUsage();
                System.err.println("echo-it: " + connections + " connections held in the 256 MiB container; docker stats: "
                        + memory);
                assertTrue(server.isRunning(), "expected the container still running; logs:\n" + server.logs());
                assertFalse(server.wasOomKilled(), "expected no OOM kill at " + memory);
            } finally {
                opened.forEach(EchoClient::close);
            }
        }
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
