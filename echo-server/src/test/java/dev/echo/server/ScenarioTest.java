package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The five scenarios of the original Rust server's tests, and the add rules. */
class ScenarioTest {
    private static final List<String> THREE_MESSAGES = List.of("Hello, World!", "How are you?", "Goodbye!");

    @Test
    void connectAndDisconnect() throws Exception {
        try (EchoServer server = TestServers.start()) {
            try (WireClient client = TestServers.connect(server)) {
                assertTrue(client.socket().isConnected(), "expected the client connected");
                Await.until("1 active connection", Duration.ofSeconds(5),
                        () -> server.stats().connectionsActive() == 1);
            }
            Await.until("0 active connections after the client left", Duration.ofSeconds(5),
                    () -> server.stats().connectionsActive() == 0);
            assertEquals(1, server.stats().connectionsAccepted(), "expected 1 accepted connection");
            assertTrue(server.isRunning(), "expected the server to keep running after a client left");
        }
    }

    @Test
    void echoesOneMessage() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            assertEquals("Hello, World!", client.echo("Hello, World!"), "expected the text back unchanged");
            assertEquals(1, server.stats().echoRequests(), "expected 1 echo request counted");
        }
    }

    @Test
    void echoesThreeMessagesOnOneConnection() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            for (String text : THREE_MESSAGES) {
                assertEquals(text, client.echo(text), "expected the text back unchanged");
            }
        }
    }

    @Test
    void servesThreeClientsConnectedAtOnce() throws Exception {
        try (EchoServer server = TestServers.start()) {
            assertServesClientsTogether(server, 3);
        }
    }

    /** Every client connects first, then all take turns sending the three messages. */
    static void assertServesClientsTogether(EchoServer server, int clients) throws Exception {
        List<WireClient> connected = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                connected.add(TestServers.connect(server));
            }
            for (String text : THREE_MESSAGES) {
                for (WireClient client : connected) {
                    assertEquals(text, client.echo(text), "expected the text back unchanged on every connection");
                }
            }
            assertEquals(clients, server.stats().connectionsAccepted(), "expected every client accepted");
        } finally {
            for (WireClient client : connected) {
                client.close();
            }
        }
    }

    @Test
    void servesClientsConcurrentlyFromTheirOwnThreads() throws Exception {
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (EchoServer server = TestServers.start()) {
            CyclicBarrier together = new CyclicBarrier(clients);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    try (WireClient client = TestServers.connect(server)) {
                        together.await(5, TimeUnit.SECONDS);
                        for (int i = 0; i < 100; i++) {
                            assertEquals("client " + id + " message " + i, client.echo("client " + id + " message " + i),
                                    "expected each client's own text back");
                            assertEquals(id + i, client.add(id, i), "expected each client's own sum");
                        }
                        return id;
                    }
                }));
            }
            for (int c = 0; c < clients; c++) {
                assertEquals(c, results.get(c).get(20, TimeUnit.SECONDS), "expected client " + c + " to finish");
            }
            assertEquals(clients * 100L, server.stats().echoRequests(), "expected every echo counted");
            assertEquals(clients * 100L, server.stats().addRequests(), "expected every add counted");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void addsTenAndTwenty() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            assertEquals(30, client.add(10, 20), "expected 10 + 20 = 30");
            assertEquals(1, server.stats().addRequests(), "expected 1 add request counted");
        }
    }

    @Test
    void addAnswersOverflowInsteadOfAWrappedSum() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            client.send(Messages.add(Integer.MAX_VALUE, 1));
            ServerMessage overflow = client.expectError(ErrorResponse.Code.ADD_OVERFLOW);
            assertEquals("2147483647 + 1 overflows int32", overflow.getError().getDetail(),
                    "expected the detail to name both operands");
            client.send(Messages.add(Integer.MIN_VALUE, -1));
            client.expectError(ErrorResponse.Code.ADD_OVERFLOW);
            assertEquals(Integer.MAX_VALUE, client.add(Integer.MAX_VALUE - 1, 1), "expected the largest int32 sum");
            assertEquals(Integer.MIN_VALUE, client.add(Integer.MIN_VALUE + 1, -1), "expected the smallest int32 sum");
            assertEquals(0, server.stats().echoRequests(), "expected no echo requests counted");
            assertEquals(4, server.stats().addRequests(), "expected 4 add requests, overflows included");
            assertEquals(2, server.stats().errorCount(ErrorResponse.Code.ADD_OVERFLOW), "expected 2 overflows counted");
            assertEquals(4, server.stats().requestsAnswered(), "expected 4 requests answered");
        }
    }

    @Test
    void rawFramingServesClientsOfTheOriginalServer() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.framing(Framing.RAW));
             WireClient client = TestServers.connect(server)) {
            for (String text : THREE_MESSAGES) {
                assertEquals(text, client.echo(text), "expected the text back over raw framing");
            }
            assertEquals(30, client.add(10, 20), "expected 10 + 20 = 30 over raw framing");
            // Coalesced: two raw messages in one write come back as two answers.
            byte[] first = Framing.RAW.encode(Messages.echo("one"));
            byte[] second = Framing.RAW.encode(Messages.add(1, 2));
            byte[] both = new byte[first.length + second.length];
            System.arraycopy(first, 0, both, 0, first.length);
            System.arraycopy(second, 0, both, first.length, second.length);
            client.write(both);
            assertEquals("one", client.receive().getEchoMessage().getContent(), "expected the first answer first");
            assertEquals(3, client.receive().getAddResponse().getResult(), "expected the second answer second");
        }
    }

    @Test
    void echoesTextUpToTheFrameLimit() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            String big = "x".repeat(1_000_000);
            assertEquals(big, client.echo(big), "expected a 1 MB text back unchanged");
            assertEquals("small", client.echo("small"), "expected the connection to go on after a large frame");
        }
    }
}
