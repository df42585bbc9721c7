package dev.echo.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.netty.NettyEchoServer;
import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Short real runs over loopback: every answer verified, and a lying server caught. */
class LoadRunEndToEndTest {

    private static LoadConfig.Builder shortRun(int port) {
        return LoadConfig.builder().port(port).connections(4).pipeline(2).mix(3, 1).warmup(Duration.ofMillis(300))
                .duration(Duration.ofMillis(1200)).timeout(Duration.ofSeconds(10));
    }

    private static void assertClean(LoadResult result) {
        assertEquals(0, result.mismatches(), "expected no mismatches: " + result.firstProblem());
        assertEquals(0, result.errors(), "expected no errors: " + result.firstProblem());
        assertTrue(result.responses() > 0, "expected some answers");
        assertEquals(result.requests(), result.responses(), "expected every request answered");
        assertEquals(4, result.connectionsOpened(), "expected 4 connections opened");
        assertTrue(result.throughput() > 0, "expected a positive throughput");
        assertTrue(result.latencyNanos().getTotalCount() > 0, "expected recorded latencies");
        assertTrue(result.clean(), "expected a clean run:\n" + result.summary());
    }

    @Test
    @Timeout(30)
    void closedLoopAgainstEchoServerVerifiesEveryAnswer() throws Exception {
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            LoadResult result = new LoadRun(shortRun(server.port()).build(),
                    new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
            assertClean(result);
            assertTrue(progress.toString(StandardCharsets.UTF_8).contains("req/s"),
                    "expected at least one progress line, got: " + progress);
        }
    }

    @Test
    @Timeout(30)
    void pacedRunAgainstTheNettyPeerVerifiesEveryAnswer() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer("127.0.0.1", 0, 1 << 20, 1).start()) {
            LoadConfig config = shortRun(server.port()).rate(400).size(1024).progress(false).build();
            LoadResult result = new LoadRun(config, System.out).run();
            assertClean(result);
            double expected = 400 * result.measuredSeconds();
            assertTrue(result.measuredResponses() > expected * 0.5 && result.measuredResponses() < expected * 1.5,
                    "expected about " + expected + " answers at 400/s, got " + result.measuredResponses());
        }
    }

    @Test
    @Timeout(30)
    void theWindowEdgesAreToldOnceEachAroundTheMeasuredWindow() throws Exception {
        List<String> calls = new ArrayList<>();
        long[] at = new long[2];
        WindowEdges edges = new WindowEdges() {
            @Override
            public void opened() {
                calls.add("opened");
                at[0] = System.nanoTime();
            }

            @Override
            public void closed() {
                calls.add("closed");
                at[1] = System.nanoTime();
            }
        };
        try (NettyEchoServer server = new NettyEchoServer("127.0.0.1", 0, 1 << 20, 1).start()) {
            LoadConfig config = shortRun(server.port()).rate(200).progress(false).build();
            LoadResult result = new LoadRun(config, System.out, interval -> { }, edges).run();
            assertClean(result);
            assertEquals(List.of("opened", "closed"), calls, "expected one call at each edge, in order");
            double between = (at[1] - at[0]) / 1e9;
            assertTrue(Math.abs(between - result.measuredSeconds()) < 0.1,
                    "expected the edges " + result.measuredSeconds() + " s apart, were " + between + " s");
        }
    }

    @Test
    @Timeout(30)
    void aServerThatAnswersWrongIsCaughtAsMismatches() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread liar = Thread.ofVirtual().start(() -> answerEveryEchoWith("wrong", listener));
            LoadConfig config = LoadConfig.builder().port(listener.getLocalPort()).warmup(Duration.ZERO)
                    .duration(Duration.ofMillis(300)).progress(false).timeout(Duration.ofSeconds(5)).build();
            LoadResult result = new LoadRun(config, System.out).run();
            assertTrue(result.mismatches() > 0, "expected mismatches against a lying server");
            assertFalse(result.clean(), "expected the run to be unclean");
            assertTrue(result.firstProblem().contains("wrong"), "expected the problem to show the wrong answer: "
                    + result.firstProblem());
            liar.interrupt();
        }
    }

    @Test
    @Timeout(30)
    void aConnectionIsClosedAtItsFirstMismatchBecauseItsLaterAnswersCannotBeMatched() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> requestsRead = new CompletableFuture<>();
            Thread stutterer = Thread.ofVirtual().start(() -> answerEveryRequestTwice(listener, requestsRead));
            LoadConfig config = LoadConfig.builder().port(listener.getLocalPort()).connections(1).pipeline(1)
                    .mix(1, 0).warmup(Duration.ZERO).duration(Duration.ofMillis(500)).progress(false)
                    .timeout(Duration.ofSeconds(5)).build();
            LoadResult result = new LoadRun(config, System.out).run();
            // Answer 0 is right; the second answer is request 0's again, given to request 1: one mismatch,
            // then the connection is closed, because every later answer would be one behind.
            assertEquals(1, result.mismatches(), "expected one mismatch, then the connection closed: "
                    + result.summary());
            assertEquals(2, result.requests(), "expected nothing sent after the mismatch: " + result.summary());
            assertEquals(2, (int) requestsRead.get(10, TimeUnit.SECONDS),
                    "expected the server to see the connection end after two requests");
            assertFalse(result.clean(), "expected the run to be unclean");
            stutterer.join(Duration.ofSeconds(5));
        }
    }

    @Test
    @Timeout(30)
    void aServerThatNeverAnswersIsAnErrorAfterTheTimeoutAndTheRunStillEnds() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread silent = Thread.ofVirtual().start(() -> {
                try (Socket socket = listener.accept()) {
                    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the client closed: the test is over
                }
            });
            LoadConfig config = LoadConfig.builder().port(listener.getLocalPort()).warmup(Duration.ZERO)
                    .duration(Duration.ofMillis(300)).progress(false).timeout(Duration.ofMillis(800)).build();
            long start = System.nanoTime();
            LoadResult result = new LoadRun(config, System.out).run();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(1, result.connectionErrors(), "expected the silent connection to count as an error");
            assertEquals(0, result.responses(), "expected no answers from a silent server");
            assertTrue(result.firstProblem().contains("no answer within 800 ms"),
                    "expected the timeout named in: " + result.firstProblem());
            assertTrue(seconds < 10, "expected the run to end soon after the timeout, took " + seconds + " s");
            silent.join(Duration.ofSeconds(5));
        }
    }

    /** Answers every request right, twice; completes with the number of requests read when the client closes. */
    private static void answerEveryRequestTwice(ServerSocket listener, CompletableFuture<Integer> requestsRead) {
        int read = 0;
        try (Socket socket = listener.accept()) {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            FrameWriter writer = Framing.DELIMITED.newWriter(socket.getOutputStream());
            ClientMessage request;
            while ((request = reader.read(ClientMessage.parser())) != null) {
                read++;
                ServerMessage answer = Messages.echoAnswer(request.getEchoMessage().getContent());
                writer.write(answer);
                writer.write(answer);
                writer.flush();
            }
        } catch (IOException e) {
            // a reset from the client's close: the connection has ended all the same
        } finally {
            requestsRead.complete(read);
        }
    }

    private static void answerEveryEchoWith(String content, ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            FrameWriter writer = Framing.DELIMITED.newWriter(socket.getOutputStream());
            ServerMessage wrong = Messages.echoAnswer(content);
            while (reader.read(ClientMessage.parser()) != null) {
                writer.write(wrong);
                writer.flush();
            }
        } catch (IOException e) {
            // the client went away: the test is over
        }
    }
}
