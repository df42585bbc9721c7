package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.TestServers;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 4: frames split anywhere, several in one write, one byte per write, and a client that
 * half-closes after its requests: the server answers every request, right and in order, in both
 * framings (the original read one message per read() and broke on exactly these).
 */
@Execution(ExecutionMode.CONCURRENT)
class SplitAndCoalescedIT {

    @ParameterizedTest
    @EnumSource(Framing.class)
    void framesSplitAtRandomPointsAndCoalescedAreAllAnswered(Framing framing) throws IOException {
        Requests requests = Requests.mixed(framing, 500);
        Random random = new Random(20_260_101L); // fixed seed: a failure can be replayed
        int[] writes = {0};
        assertAnswered(framing, requests, connection -> {
            byte[] bytes = requests.bytes();
            for (int offset = 0; offset < bytes.length; writes[0]++) {
                // Chunks of 1 to 700 bytes: some cut a prefix or a body, some carry several frames.
                int length = Math.min(bytes.length - offset, 1 + random.nextInt(random.nextBoolean() ? 7 : 700));
                connection.write(Arrays.copyOfRange(bytes, offset, offset + length));
                offset += length;
            }
        }, () -> framing + " frames in " + writes[0] + " writes of random size", connection -> {});
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void framesWrittenOneByteAtATimeAreAllAnswered(Framing framing) throws IOException {
        Requests requests = Requests.mixed(framing, 10);
        assertAnswered(framing, requests, connection -> connection.writeByteAtATime(requests.bytes()),
                () -> framing + " frames written one byte at a time", connection -> {});
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void clientThatHalfClosesAfterItsRequestsGetsEveryAnswer(Framing framing) throws IOException {
        Requests requests = Requests.mixed(framing, 200);
        assertAnswered(framing, requests, connection -> connection.write(requests.bytes()).shutdownOutput(),
                () -> framing + " requests followed by a half-close",
                connection -> assertTrue(connection.closedByServer(),
                        "expected the server to close after the last answer to a half-closed client"));
    }

    /** What a test does on its connection: sends the requests its way, or checks what comes after the answers. */
    @FunctionalInterface
    private interface Step {
        void on(WireClient connection) throws IOException;
    }

    /** Sends {@code requests} to a new server as {@code send} writes them, then asserts every answer. */
    private static void assertAnswered(Framing framing, Requests requests, Step send, Supplier<String> what,
                                       Step afterAnswers) throws IOException {
        try (EchoServer server = TestServers.start(b -> b.framing(framing));
             WireClient connection = WireClient.connect(server.port(), framing)) {
            send.on(connection);
            assertAnswers(requests, connection, what.get());
            afterAnswers.on(connection);
        }
    }

    private static void assertAnswers(Requests requests, WireClient connection, String what) throws IOException {
        List<ClientMessage> sent = requests.messages();
        List<ServerMessage> answers = new ArrayList<>(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            ServerMessage answer = connection.receiveOrNull();
            if (answer == null) {
                break;
            }
            answers.add(answer);
        }
        assertEquals(sent.size(), answers.size(), "expected one answer per request for " + what);
        for (int i = 0; i < sent.size(); i++) {
            Conversation.assertAnswer(sent.get(i), answers.get(i), "answer " + i + " for " + what);
        }
    }
}
