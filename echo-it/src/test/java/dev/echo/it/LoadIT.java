package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.client.EchoClient;
import dev.echo.core.Framing;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerStats;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Scenario 2: many clients at once, and many requests at once on one connection. */
class LoadIT {

    @Test
    void oneThousandConcurrentClientsGetEveryAnswerRightAndInOrder() {
        int clients = 1_000;
        int requests = 100;
        try (EchoServer server = InProcess.start()) {
            Conversation.Tally tally = new Conversation.Tally();
            CountDownLatch allConnected = new CountDownLatch(clients);
            Parallel.Outcome outcome = Parallel.run(clients, Duration.ofSeconds(120), i -> {
                try (EchoClient client = Clients.connect(server.port())) {
                    Conversation.awaitAll(allConnected, Duration.ofSeconds(60));
                    Conversation.run(client, i, requests, tally);
                }
            });
            outcome.assertAllSucceeded("clients (" + tally + ")");
            long expected = (long) clients * requests;
            assertEquals(expected, tally.correct.get(), "expected every answer right: " + tally);
            InProcess.awaitSettled(server, clients, Duration.ofSeconds(20));
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
        List<ServerMessage> expected = new ArrayList<>(requests);
        for (int r = 0; r < requests; r++) {
            ClientMessage request = r % 2 == 0 ? Requests.echo(Conversation.text(0, r)) : Requests.add(r, -2 * r);
            all.writeBytes(Framing.DELIMITED.encode(request));
            expected.add(RequestHandler.handle(request));
        }
        try (EchoServer server = InProcess.start(); RawConnection connection = RawConnection.open(server.port())) {
            // The answers are read while the one big write is still going, so neither side's buffers can fill up.
            List<ServerMessage> answers = new ArrayList<>(requests);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (int r = 0; r < requests; r++) {
                        ServerMessage answer = connection.readAnswer();
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
                assertEquals(expected.get(r), answers.get(r), "expected answer " + r + " to match request " + r);
            }
        }
    }
}
