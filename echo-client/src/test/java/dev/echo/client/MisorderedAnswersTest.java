package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.FrameReader;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
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
            assertEquals(1, client.stats().protocolErrors(), "one connection closed for it: " + client.stats());
            assertEquals(e.getCause().getMessage(), client.lastProtocolError().orElseThrow(), "its reason kept");
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
    /**
     * An answer read while no request waits (a server that answered one request twice) fails no call:
     * the connection is closed and the next call succeeds on a new one. Nothing told the caller the
     * server had broken the protocol, so the shell printed only "reconnected to" (a helper's finding).
     */
    @Test
    void anAnswerToNoRequestIsCountedWithItsReasonThoughNoCallFails() throws Exception {
        try (SilentPeer twice = peer(1, requests -> List.of(echoed(requests.get(0)), echoed(requests.get(0))));
             EchoClient client = EchoClient.connect(twice.config().requestTimeout(Duration.ofSeconds(20)).build())) {
            assertTrue(client.lastProtocolError().isEmpty(), "no protocol error yet");
            assertEquals("one", client.echo("one"));
            dev.echo.testkit.Await.until("the doubled answer counted", Duration.ofSeconds(10),
                    () -> client.stats().protocolErrors() == 1, () -> "stats: " + client.stats());
            String why = client.lastProtocolError().orElseThrow();
            assertTrue(why.contains("sent an answer to no request: ECHO_MESSAGE"), why);
            assertEquals(0, client.stats().failed(), "no call failed for it");
        }
    }

    /**
     * An error answer is checked too: a server that sent an overflowing add's ADD_OVERFLOW twice gave
     * the next caller, an echo, {@code ServerErrorException: ADD_OVERFLOW} as its own answer, counted
     * as answered, the connection kept (an attacker's finding). ADD_OVERFLOW can answer only an add
     * whose sum does not fit, EMPTY_REQUEST nothing this client sends.
     */
    @Test
    void anErrorThatCannotBeTheRequestsOwnIsABadAnswer() throws Exception {
        ServerMessage overflow = Messages.error(ErrorResponse.Code.ADD_OVERFLOW, "2147483647 + 1 overflows int32");
        try (SilentPeer twice = peer(3, requests -> List.of(overflow, overflow, Messages.sum(3)));
             EchoClient client = EchoClient.connect(twice.config().requestTimeout(Duration.ofSeconds(20))
                     .noRetries().build())) {
            CompletableFuture<Integer> overflowing = client.addAsync(Integer.MAX_VALUE, 1);
            CompletableFuture<String> echo = client.echoAsync("hello");
            CompletableFuture<Integer> fits = client.addAsync(1, 2);
            ExecutionException own = assertThrows(ExecutionException.class, () -> overflowing.get(30, TimeUnit.SECONDS));
            assertInstanceOf(ServerErrorException.class, own.getCause(), "its own answer: " + own.getCause());
            ExecutionException e = assertThrows(ExecutionException.class, () -> echo.get(30, TimeUnit.SECONDS),
                    "the repeated ADD_OVERFLOW must not answer echo 'hello'");
            assertInstanceOf(BadAnswerException.class, e.getCause(), "the echo: " + e.getCause());
            assertTrue(e.getCause().getMessage().contains("answered error ADD_OVERFLOW to echo 'hello'"), e.getCause().getMessage());
            ExecutionException lost = assertThrows(ExecutionException.class, () -> fits.get(30, TimeUnit.SECONDS),
                    "add 1 2 is not answered with the echo's answer: the connection was given up");
            assertInstanceOf(EchoClientException.class, lost.getCause());
        }
        Request<Integer> fitting = new Request<>(null, null, 1, 2, AnswerKind.ADD, 0, 0);
        Request<Integer> overflowing = new Request<>(null, null, Integer.MIN_VALUE, -1, AnswerKind.ADD, 0, 0);
        Request<String> echo = new Request<>(null, "x", 0, 0, AnswerKind.ECHO, 0, 0);
        assertTrue(overflowing.answeredByError(ErrorResponse.Code.ADD_OVERFLOW));
        assertFalse(fitting.answeredByError(ErrorResponse.Code.ADD_OVERFLOW));
        assertFalse(echo.answeredByError(ErrorResponse.Code.ADD_OVERFLOW));
        assertFalse(echo.answeredByError(ErrorResponse.Code.EMPTY_REQUEST));
        for (ErrorResponse.Code any : List.of(ErrorResponse.Code.MALFORMED_MESSAGE, ErrorResponse.Code.FRAME_TOO_LARGE,
                ErrorResponse.Code.SERVER_BUSY, ErrorResponse.Code.SHUTTING_DOWN)) {
            assertTrue(echo.answeredByError(any) && fitting.answeredByError(any), any + " may answer any request");
        }
    }

    /**
     * A server that never answers one request, after an earlier answer came back on the connection
     * (so that its timeout does not replace the connection): the next request's answer was taken as
     * the timed-out one's late answer and dropped unchecked, and every later request got its
     * successor's answer or timed out, the connection never replaced (an attacker's finding).
     */
    @Test
    void anAnswerSkippedByTheServerIsNotTakenAsTheTimedOutRequestsLateAnswer() throws Exception {
        try (FakeServer skipping = new FakeServer(request -> {
                if (request.hasAddRequest()) {
                    return Messages.sum(request.getAddRequest().getA() + request.getAddRequest().getB());
                }
                String text = request.getEchoMessage().getContent();
                if (text.equals("skipped")) {
                    return null;
                }
                if (text.equals("slow")) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // answered after 'skipped' was written
                }
                return Messages.echoAnswer(text);
            });
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(skipping.port())
                     .requestTimeout(Duration.ofSeconds(1)).build())) {
            CompletableFuture<String> slow = client.echoAsync("slow");
            CompletableFuture<String> skipped = client.echoAsync("skipped");
            assertEquals("slow", slow.get(30, TimeUnit.SECONDS));
            ExecutionException timedOut = assertThrows(ExecutionException.class, () -> skipped.get(30, TimeUnit.SECONDS));
            assertInstanceOf(RequestTimeoutException.class, timedOut.getCause());
            assertEquals(1, skipping.accepted.get(), "the connection is not replaced at the timeout: an answer came back since");

            assertEquals(3, client.add(1, 2), "the next request's answer, not given to the timed-out one, nor lost");
            assertEquals("next", client.echo("next"));
            assertEquals("and the next", client.echo("and the next"));
            assertEquals(2, skipping.accepted.get(), "the connection whose answers were off by one replaced");
            assertEquals(1, client.stats().lateAnswers(), "the answer checked against the timed-out request: " + client.stats());
        }
    }
}
