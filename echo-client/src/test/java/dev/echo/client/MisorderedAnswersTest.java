package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.FrameReader;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The protocol matches answers to requests by order alone: a server that answers out of order or
 * twice would hand one caller another's answer. The client checks that each answer can be its
 * request's own and fails the request (and replaces the connection) when it cannot.
 */
class MisorderedAnswersTest {

    /** A peer that reads {@code batch} requests, then writes what {@code answers} makes of them. */
    private static SilentPeer peer(int batch, Function<List<ClientMessage>, List<ServerMessage>> answers)
            throws IOException {
        return new SilentPeer(socket -> {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream(), 1 << 20);
            OutputStream out = socket.getOutputStream();
            while (true) {
                List<ClientMessage> requests = new ArrayList<>();
                while (requests.size() < batch) {
                    if (reader.nextFrame() < 0) {
                        return;
                    }
                    requests.add(reader.parseFrame(ClientMessage.parser()));
                }
                for (ServerMessage answer : answers.apply(requests)) {
                    out.write(Framing.DELIMITED.encode(answer));
                }
                out.flush();
            }
        });
    }

    private static ServerMessage echoed(ClientMessage request) {
        return Messages.echoAnswer(request.getEchoMessage().getContent());
    }

    @Test
    void echoAnswersInTheWrongOrderReachNoCaller() throws Exception {
        try (SilentPeer swapped = peer(2, requests -> List.of(echoed(requests.get(1)), echoed(requests.get(0))));
             EchoClient client = EchoClient.connect(swapped.config().requestTimeout(Duration.ofSeconds(20))
                     .noRetries().build())) {
            CompletableFuture<String> one = client.echoAsync("one");
            CompletableFuture<String> two = client.echoAsync("two");
            ExecutionException e = assertThrows(ExecutionException.class, () -> one.get(30, TimeUnit.SECONDS),
                    "the answer meant for 'two' must not complete 'one'");
            assertInstanceOf(BadAnswerException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("answered echo 'two' to echo 'one'"), e.getCause().getMessage());
            ExecutionException lost = assertThrows(ExecutionException.class, () -> two.get(30, TimeUnit.SECONDS),
                    "'two' is not completed with 'one' either: the connection was given up");
            assertInstanceOf(EchoClientException.class, lost.getCause());
        }
    }

    @Test
    void anAddAnsweredTwiceGivesTheSecondCallerNoStaleSum() throws Exception {
        try (SilentPeer twice = peer(2, requests -> {
                int sum = requests.get(0).getAddRequest().getA() + requests.get(0).getAddRequest().getB();
                return List.of(Messages.sum(sum), Messages.sum(sum));
            });
             EchoClient client = EchoClient.connect(twice.config().requestTimeout(Duration.ofSeconds(20))
                     .noRetries().build())) {
            CompletableFuture<Integer> first = client.addAsync(1, 2);
            CompletableFuture<Integer> second = client.addAsync(10, 20);
            assertEquals(3, first.get(30, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS),
                    "the repeated answer 3 must not complete add 10 20");
            assertInstanceOf(BadAnswerException.class, e.getCause());
        }
    }
}
