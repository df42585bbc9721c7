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
        try (EchoServer server = TestServers.start(b -> b.framing(framing));
             WireClient connection = WireClient.connect(server.port(), framing)) {
            byte[] bytes = requests.bytes();
            int writes = 0;
            for (int offset = 0; offset < bytes.length; writes++) {
                // Chunks of 1 to 700 bytes: some cut a prefix or a body, some carry several frames.
                int length = Math.min(bytes.length - offset, 1 + random.nextInt(random.nextBoolean() ? 7 : 700));
                connection.write(Arrays.copyOfRange(bytes, offset, offset + length));
                offset += length;
            }
            assertAnswers(requests, connection, framing + " frames in " + writes + " writes of random size");
        }
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void framesWrittenOneByteAtATimeAreAllAnswered(Framing framing) throws IOException {
        Requests requests = Requests.mixed(framing, 10);
        try (EchoServer server = TestServers.start(b -> b.framing(framing));
             WireClient connection = WireClient.connect(server.port(), framing)) {
            connection.writeByteAtATime(requests.bytes());
            assertAnswers(requests, connection, framing + " frames written one byte at a time");
        }
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void clientThatHalfClosesAfterItsRequestsGetsEveryAnswer(Framing framing) throws IOException {
        Requests requests = Requests.mixed(framing, 200);
        try (EchoServer server = TestServers.start(b -> b.framing(framing));
             WireClient connection = WireClient.connect(server.port(), framing)) {
            connection.write(requests.bytes());
            connection.shutdownOutput();
            assertAnswers(requests, connection, framing + " requests followed by a half-close");
            assertTrue(connection.closedByServer(), "expected the server to close after the last answer to a half-closed client");
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
