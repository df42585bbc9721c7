package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerStats;
import dev.echo.server.TestServers;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario 2: many clients at once, and many requests at once on one connection. */
class LoadIT {

    @Test
    void oneThousandConcurrentClientsGetEveryAnswerRightAndInOrder() {
        int clients = 1_000;
        int requests = 100;
        try (EchoServer server = TestServers.start()) {
            Conversation.allAtOnce(server.port(), clients, requests, Duration.ofSeconds(120), "clients");
            long expected = (long) clients * requests;
            TestServers.awaitSettled(server, clients, Duration.ofSeconds(20));
            ServerStats stats = server.stats();
            assertEquals(clients, stats.connectionsAccepted(), "expected every client accepted: " + stats);
            assertEquals(expected / 2, stats.echoRequests(), "expected every echo counted: " + stats);
            assertEquals(expected / 2, stats.addRequests(), "expected every add counted: " + stats);
            assertEquals(expected, stats.requestsAnswered(), "expected every request answered: " + stats);
        }
    }

    @Test
    void twoThousandRequestsPipelinedInOneWriteAreAnsweredInOrder() throws Exception {
        int requests = 2_000;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<ClientMessage> sent = new ArrayList<>(requests);
        for (int r = 0; r < requests; r++) {
            ClientMessage request = r % 2 == 0 ? Messages.echo(Conversation.text(0, r)) : Messages.add(r, -2 * r);
            all.writeBytes(Framing.DELIMITED.encode(request));
            sent.add(request);
        }
        try (EchoServer server = TestServers.start(); WireClient connection = WireClient.connect(server.port())) {
            // The answers are read while the one big write is still going, so neither side's buffers can fill up.
            List<ServerMessage> answers = new ArrayList<>(requests);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (int r = 0; r < requests; r++) {
                        ServerMessage answer = connection.receiveOrNull();
                        if (answer == null) {
                            return;
                        }
                        answers.add(answer);
                    }
                } catch (Exception e) {
                    answers.add(null); // the count below reports it
                }
            });
            connection.write(all.toByteArray());
            if (!reader.join(Duration.ofSeconds(30))) {
                throw new AssertionError("expected " + requests + " answers within 30 s, got " + answers.size());
            }
            assertEquals(requests, answers.size(), "expected one answer per pipelined request");
            for (int r = 0; r < requests; r++) {
                Conversation.assertAnswer(sent.get(r), answers.get(r), "answer " + r + " of " + requests + " pipelined");
            }
        }
    }
}
