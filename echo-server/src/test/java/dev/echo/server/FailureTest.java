package dev.echo.server;

import static dev.echo.server.WireClient.addRequest;
import static dev.echo.server.WireClient.echoRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Peers that go away, half-close, and pipeline: normal events the server must take in stride. */
class FailureTest {

    @Test
    void resetByPeerDoesNotStopTheAcceptLoop() throws Exception {
        try (EchoServer server = TestServers.start()) {
            WireClient idle = WireClient.connect(server);
            assertEquals("a", idle.echo("a"), "expected the first client served");
            idle.reset();
            WireClient midFrame = WireClient.connect(server);
            midFrame.sendBytes(new byte[] {20, 0x0a});
            TestServers.awaitTrue(Duration.ofSeconds(5), "the server inside the client's frame",
                    () -> ServerProbe.connectionsReadingFrame(server) == 1);
            midFrame.reset();
            WireClient gone = WireClient.connect(server);
            gone.send(echoRequest("answer to nobody".repeat(1000)));
            gone.reset();
            TestServers.awaitTrue(Duration.ofSeconds(5), "every reset connection ended",
                    () -> server.stats().connectionsActive() == 0);
            try (WireClient fresh = WireClient.connect(server)) {
                assertEquals("still serving", fresh.echo("still serving"), "expected a fresh client served after resets");
            }
            assertTrue(server.isRunning(), "expected the server running after resets");
        }
    }

    @Test
    void halfClosedClientGetsEveryAnswerBeforeTheServerCloses() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = WireClient.connect(server)) {
            client.send(echoRequest("one"));
            client.send(addRequest(2, 3));
            client.send(echoRequest("three"));
            client.shutdownOutput();
            assertEquals("one", client.receive().getEchoMessage().getContent(), "expected the first answer");
            assertEquals(5, client.receive().getAddResponse().getResult(), "expected the second answer");
            assertEquals("three", client.receive().getEchoMessage().getContent(), "expected the third answer");
            client.expectClosed(Duration.ofSeconds(5));
        }
    }

    @Test
    void thousandPipelinedRequestsInOneWriteAreAnsweredInOrder() throws Exception {
        pipelineThousand(Framing.DELIMITED);
    }

    @Test
    void thousandPipelinedRawRequestsInOneWriteAreAnsweredInOrder() throws Exception {
        pipelineThousand(Framing.RAW);
    }

    private static void pipelineThousand(Framing framing) throws Exception {
        try (EchoServer server = TestServers.start(b -> b.framing(framing));
             WireClient client = WireClient.connect(server)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                ClientMessage request = i % 2 == 0 ? echoRequest("message " + i) : addRequest(i, 1);
                all.writeBytes(framing.encode(request));
            }
            client.sendBytes(all.toByteArray());
            for (int i = 0; i < 1000; i++) {
                ServerMessage answer = client.receive();
                if (i % 2 == 0) {
                    assertEquals("message " + i, answer.getEchoMessage().getContent(), "expected answer " + i + " in order");
                } else {
                    assertEquals(i + 1, answer.getAddResponse().getResult(), "expected answer " + i + " in order");
                }
            }
            assertEquals(1000, server.stats().requestsAnswered(), "expected 1000 requests answered");
            assertTrue(server.stats().bytesIn() >= all.size(), "expected at least " + all.size() + " bytes in counted");
        }
    }

    @Test
    void requestSplitIntoPiecesIsAnsweredOnceWhole() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = WireClient.connect(server)) {
            byte[] frame = Framing.DELIMITED.encode(echoRequest("in pieces"));
            client.sendBytes(new byte[] {frame[0]});
            assertTrue(!client.closedWithin(Duration.ofMillis(50)), "expected no answer and no close after 1 byte");
            client.sendBytes(java.util.Arrays.copyOfRange(frame, 1, 3));
            client.sendBytes(java.util.Arrays.copyOfRange(frame, 3, frame.length));
            assertEquals("in pieces", client.receive().getEchoMessage().getContent(), "expected the whole text back");
        }
    }
}
