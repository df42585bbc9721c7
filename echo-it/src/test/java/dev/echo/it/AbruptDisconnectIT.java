package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.client.EchoConnection;
import dev.echo.core.Framing;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerStats;
import dev.echo.server.TestServers;
import dev.echo.testkit.WireClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3: 500 clients reset their connections (SO_LINGER 0) at chosen points while others talk.
 * The original's per-client loop died on a reset; here each reset ends only its own connection.
 */
class AbruptDisconnectIT {
    /** Where in the exchange the client resets. */
    enum ResetPoint { BEFORE_SENDING, INSIDE_LENGTH_PREFIX, INSIDE_BODY, WHILE_ANSWER_IS_WRITTEN }

    private static final int CLIENTS = 500;
    /** Big enough that its answer cannot sit whole in the socket buffers: the server is mid-write at the reset. */
    private static final byte[] BIG_REQUEST = Framing.DELIMITED.encode(ClientMessage.newBuilder()
            .setEchoMessage(EchoMessage.newBuilder().setContent("x".repeat(1024 * 1024)))
            .build());

    @Test
    void resetsAtEveryPointEndOnlyTheirOwnConnection() {
        try (EchoServer server = TestServers.start()) {
            Map<ResetPoint, AtomicInteger> resets = new EnumMap<>(ResetPoint.class);
            for (ResetPoint point : ResetPoint.values()) {
                resets.put(point, new AtomicInteger());
            }
            Conversation.Tally bystanders = new Conversation.Tally();
            Parallel.Running talkers = Parallel.start(10, Duration.ofSeconds(60), i -> {
                try (EchoConnection client = Clients.connect(server.port())) {
                    Conversation.run(client, i, 300, bystanders);
                }
            });

            Parallel.run(CLIENTS, Duration.ofSeconds(90), i -> {
                ResetPoint point = ResetPoint.values()[i % ResetPoint.values().length];
                try (WireClient connection = WireClient.connect(server.port())) {
                    switch (point) {
                        case BEFORE_SENDING -> { }
                        // The 1 MiB frame has a 3-byte prefix: cut after its first or second byte.
                        case INSIDE_LENGTH_PREFIX -> connection.write(Arrays.copyOf(BIG_REQUEST, 1 + (i / 4) % 2));
                        case INSIDE_BODY -> connection.write(Arrays.copyOf(BIG_REQUEST, 3 + 1 + (i * 7919) % 1000));
                        case WHILE_ANSWER_IS_WRITTEN -> {
                            connection.write(BIG_REQUEST);
                            // Wait for the answer to start arriving, so the reset lands in the middle of it.
                            connection.setReadTimeout(Duration.ofSeconds(20));
                            if (connection.closedByServer()) {
                                throw new AssertionError("expected the start of the 1 MiB echo, got end of stream");
                            }
                        }
                    }
                    connection.reset();
                    resets.get(point).incrementAndGet();
                }
            }).assertAllSucceeded("clients to connect, send their part and reset");

            talkers.await(Duration.ofSeconds(90), "the bystanders", bystanders::toString)
                    .assertAllSucceeded("bystander clients during the resets (" + bystanders + ")");
            assertEquals(10 * 300, bystanders.correct.get(), "expected every bystander answer right: " + bystanders);
            for (ResetPoint point : ResetPoint.values()) {
                assertEquals(CLIENTS / 4, resets.get(point).get(), "expected " + CLIENTS / 4 + " resets " + point);
            }

            TestServers.awaitSettled(server, CLIENTS + 10, Duration.ofSeconds(20));
            try (EchoConnection fresh = Clients.connect(server.port())) {
                assertEquals("still here", fresh.echo("still here"), "expected a fresh client served after the resets");
                assertEquals(42, fresh.add(40, 2), "expected 40 + 2 = 42 after the resets");
            } catch (java.io.IOException e) {
                throw new AssertionError("expected a fresh client served after the resets, got " + e, e);
            }
            ServerStats stats = server.stats();
            assertEquals(CLIENTS + 10 + 1, stats.connectionsAccepted(), "expected every connection accepted: " + stats);
            assertEquals(0, stats.connectionsRejected(), "expected no rejection: " + stats);
        }
    }
}
