package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Peers that go away, half-close, and pipeline: normal events the server must take in stride. */
class FailureTest {

    @Test
    void resetByPeerDoesNotStopTheAcceptLoop() throws Exception {
        try (EchoServer server = TestServers.start()) {
            WireClient idle = TestServers.connect(server);
            assertEquals("a", idle.echo("a"), "expected the first client served");
            idle.reset();
            WireClient midFrame = TestServers.connect(server);
            midFrame.write(new byte[] {20, 0x0a});
            Await.until("the server inside the client's frame", Duration.ofSeconds(5),
                    () -> ServerProbe.connectionsReadingFrame(server) == 1);
            midFrame.reset();
            WireClient gone = TestServers.connect(server);
            gone.send(Messages.echo("answer to nobody".repeat(1000)));
            gone.reset();
            Await.until("every reset connection ended", Duration.ofSeconds(5),
                    () -> server.stats().connectionsActive() == 0);
            try (WireClient fresh = TestServers.connect(server)) {
                assertEquals("still serving", fresh.echo("still serving"), "expected a fresh client served after resets");
            }
            assertTrue(server.isRunning(), "expected the server running after resets");
        }
    }

    @Test
    void halfClosedClientGetsEveryAnswerBeforeTheServerCloses() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            client.send(Messages.echo("one"));
            client.send(Messages.add(2, 3));
            client.send(Messages.echo("three"));
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
             WireClient client = TestServers.connect(server)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                ClientMessage request = i % 2 == 0 ? Messages.echo("message " + i) : Messages.add(i, 1);
                all.writeBytes(framing.encode(request));
            }
            client.write(all.toByteArray());
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
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            byte[] frame = Framing.DELIMITED.encode(Messages.echo("in pieces"));
            client.write(new byte[] {frame[0]});
            assertTrue(!client.closedWithin(Duration.ofMillis(50)), "expected no answer and no close after 1 byte");
            client.write(java.util.Arrays.copyOfRange(frame, 1, 3));
            client.write(java.util.Arrays.copyOfRange(frame, 3, frame.length));
            assertEquals("in pieces", client.receive().getEchoMessage().getContent(), "expected the whole text back");
        }
    }
}
