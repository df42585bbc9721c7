package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.SilentPeer;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shell behaviour that needs control between commands: server restarts, Ctrl-C. */
@Timeout(60)
class SessionTest {
    private final StringWriter answers = new StringWriter();
    private final StringWriter notices = new StringWriter();

    private Session session(int port) {
        ClientConfig config = ClientConfig.builder().port(port).readTimeout(Duration.ofSeconds(20)).build();
        return new Session(config, new TextOutput(new PrintWriter(answers), new PrintWriter(notices), false, false));
    }

    private static EchoServer serverOn(int port) throws IOException {
        return EchoServer.create(ServerConfig.builder().port(port).build()).start();
    }

    @Test
    void afterAServerRestartTheNextCommandReconnectsOnceAndSaysSo() throws IOException, UsageException {
        EchoServer first = serverOn(0);
        int port = first.port();
        try (Session session = session(port)) {
            assertEquals(Outcome.OK, session.execute(CommandParser.parseLine("echo before")), "first server answers");
            first.close();
            try (EchoServer second = serverOn(port)) { // the same port, as a restarted server would
                assertEquals(Outcome.OK, session.execute(CommandParser.parseLine("echo after")),
                        "the command goes through on a new connection");
                assertEquals("before\nafter\n", answers.toString(), "both answers printed");
                assertEquals("reconnected to 127.0.0.1:" + port + "\n", notices.toString(),
                        "the reconnect is announced, once");
                assertEquals(1, second.stats().echoRequests(), "the new server answered the request, once");
            }
            // The library notices the FIN in the background; a command sent before it did would be
            // retried by the library until its deadline, waiting for the server to come back.
            Await.until("the session sees the server gone", Duration.ofSeconds(20), () -> !session.isConnected());
            long started = System.nanoTime();
            assertEquals(Outcome.FAILED, session.execute(CommandParser.parseLine("add 1 2")), "no server at all now");
            assertTrue(notices.toString().endsWith("cannot connect to 127.0.0.1:" + port + " (connection refused)\n"),
                    "a failed reconnect says why: " + notices);
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10),
                    "and says it at once, not at the 20 s deadline");
        } finally {
            first.close();
        }
    }

    /**
     * A server whose every other connection answers one request and closes, and the others close
     * without an answer: each request is lost twice (the first resend is free, the second takes a
     * token), so a repeat runs the library's retry budget out over many reconnects and fails saying
     * so; "reconnected to" after that line read as if the failure had been mended (an attacker's
     * finding). Said only after a success now.
     */
    @Test
    void aFailedCommandIsNotFollowedByReconnectedTo() throws Exception {
        try (java.net.ServerSocket oneAnswerEach = new java.net.ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!oneAnswerEach.isClosed()) {
                    try {
                        java.net.Socket socket = oneAnswerEach.accept();
                        boolean answers = accepted.incrementAndGet() % 2 == 1;
                        Thread.ofVirtual().start(() -> answerOnceAndClose(socket, answers));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            ClientConfig config = ClientConfig.builder().port(oneAnswerEach.getLocalPort()).readTimeout(Duration.ofSeconds(20))
                    .retryBudget(20).reconnectDelay(Duration.ofMillis(1)).maxReconnectDelay(Duration.ofMillis(10)).build();
            try (Session session = new Session(config, new TextOutput(new PrintWriter(answers), new PrintWriter(notices), false, false))) {
                assertEquals(Outcome.FAILED, session.execute(CommandParser.parseLine("repeat 100000 echo hi")));
                assertTrue(notices.toString().contains("retry budget"), "failed for its spent budget: " + notices);
                assertTrue(!notices.toString().contains("reconnected to"), "no reconnect announced after it: " + notices);
            }
        }
    }

    /**
     * A server that answers every request twice: the library closes the connection at the duplicate
     * (an answer to no request) and the next command succeeds on a new one. The shell said only
     * "reconnected to" and exited 0, or 2 when the duplicate came after the next request was sent (a
     * helper's finding): now it says why the connection was closed and the command that saw it fails.
     */
    @Test
    void aServerThatAnswersTwiceFailsTheNextCommandWithTheReason() throws Exception {
        try (java.net.ServerSocket twice = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!twice.isClosed()) {
                    try {
                        java.net.Socket socket = twice.accept();
                        Thread.ofVirtual().start(() -> answerEachTwice(socket, ended));
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            try (Session session = session(twice.getLocalPort())) {
                // The duplicate is read just after the first answer: before the first command ends (it
                // fails) or after (the second fails); a script of both exits 2 either way.
                Outcome first = session.execute(CommandParser.parseLine("echo one"));
                Await.until("the client to close the connection at the doubled answer", Duration.ofSeconds(10),
                        () -> ended.get() == 1);
                Outcome second = session.execute(CommandParser.parseLine("echo two"));
                assertEquals(Outcome.FAILED, first.worse(second),
                        "the server broke the protocol: a command fails though every answer came: " + first + ", " + second);
                assertEquals("one\ntwo\n", answers.toString(), "both answers printed");
                assertTrue(notices.toString().startsWith("127.0.0.1:" + twice.getLocalPort()
                        + " sent an answer to no request: ECHO_MESSAGE; connection closed\n"), "the reason: " + notices);
            }
        }
    }

    /** Reads requests and writes each one's echo twice; counts the connection in {@code ended} when it ends. */
    private static void answerEachTwice(java.net.Socket socket, java.util.concurrent.atomic.AtomicInteger ended) {
        try (socket) {
            dev.echo.core.FrameReader reader = dev.echo.core.Framing.DELIMITED.newReader(socket.getInputStream());
            dev.echo.core.proto.ClientMessage request;
            while ((request = reader.read(dev.echo.core.proto.ClientMessage.parser())) != null) {
                byte[] answer = dev.echo.core.Framing.DELIMITED.encode(
                        dev.echo.core.Messages.echoAnswer(request.getEchoMessage().getContent()));
                socket.getOutputStream().write(answer);
                socket.getOutputStream().write(answer);
            }
        } catch (IOException e) {
            // the client closed it
        } finally {
            ended.incrementAndGet();
        }
    }

    private static void answerOnceAndClose(java.net.Socket socket, boolean answers) {
        try (socket) {
            dev.echo.core.proto.ClientMessage request = dev.echo.core.Framing.DELIMITED.newReader(socket.getInputStream())
                    .read(dev.echo.core.proto.ClientMessage.parser());
            if (request != null && answers) {
                socket.getOutputStream().write(dev.echo.core.Framing.DELIMITED.encode(
                        dev.echo.core.Messages.echoAnswer(request.getEchoMessage().getContent())));
            }
        } catch (IOException e) {
            // the client went
        }
    }

    @Test
    void aServerRestartDuringARepeatCostsNoRoundTrip() throws Exception {
        EchoServer first = serverOn(0);
        int port = first.port();
        try (Session session = session(port)) {
            Command repeat = CommandParser.parseLine("repeat 20000 echo survive");
            CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> session.execute(repeat));
            Await.until("the repeat got going", Duration.ofSeconds(20), () -> session.requestsSent() >= 100);
            first.close();
            try (EchoServer second = serverOn(port)) {
                assertEquals(Outcome.OK, running.get(50, TimeUnit.SECONDS), "the repeat ends normally");
                assertTrue(answers.toString().matches("20000 echo in .*\n"), "every round trip answered: " + answers);
                assertTrue(second.stats().echoRequests() > 0, "the restarted server took the rest");
                assertEquals("reconnected to 127.0.0.1:" + port + "\n", notices.toString(), "announced once");
            }
        } finally {
            first.close();
        }
    }

    @Test
    void cancelStopsARunningRepeatAndTheSessionGoesOn() throws Exception {
        try (EchoServer server = serverOn(0); Session session = session(server.port())) {
            Command repeat = CommandParser.parseLine("repeat 1000000 add 1 2");
            CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> session.execute(repeat));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (session.requestsSent() < 100 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(session.requestsSent() >= 100, "the repeat got going within 20 s");
            session.cancel();
            assertEquals(Outcome.OK, running.get(20, TimeUnit.SECONDS), "a cancelled repeat ends normally");
            assertTrue(answers.toString().matches("cancelled after \\d+ of 1000000 add in .*\n"),
                    "the summary says it was cancelled: " + answers);
            assertTrue(session.requestsSent() < 1_000_000, "stopped early: " + session.requestsSent());
            assertEquals(Outcome.OK, session.execute(CommandParser.parseLine("add 2 2")), "the shell goes on");
            assertTrue(answers.toString().endsWith("\n4\n"), "and answers: " + answers);
        }
    }

    @Test
    void cancelAbortsARoundTripThatWaitsForASilentServer() throws Exception {
        try (SilentPeer peer = new SilentPeer(socket -> {}); Session session = session(peer.port())) {
            CompletableFuture<Outcome> running =
                    CompletableFuture.supplyAsync(() -> session.execute(new Command.Echo("anyone?")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (session.requestsSent() < 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            session.cancel();
            assertEquals(Outcome.FAILED, running.get(10, TimeUnit.SECONDS), "cancelled well before the 20 s timeout");
            assertEquals("cancelled\n", notices.toString(), "says it was cancelled, nothing else");
        }
    }

    @Test
    void repeatStopsAtTheFirstErrorAnswer() throws Exception {
        try (EchoServer server = serverOn(0); Session session = session(server.port())) {
            assertEquals(Outcome.SERVER_ERROR, session.execute(CommandParser.parseLine("repeat 10 add 2147483647 1")),
                    "an error answer ends the repeat");
            assertEquals("error ADD_OVERFLOW: 2147483647 + 1 overflows int32 (after 0 of 10)\n", answers.toString(),
                    "the error and how far it got");
            assertEquals(1, server.stats().addRequests(), "no more requests after the error");
        }
    }
}
