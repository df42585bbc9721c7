package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.SilentPeer;
import dev.echo.core.FrameReader;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.testkit.Await;
import dev.echo.testkit.OwnThread;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
        try (ServerSocket oneAnswerEach = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            serveEach(oneAnswerEach, socket -> answerOnceAndClose(socket, accepted.incrementAndGet() % 2 == 1));
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
        try (ServerSocket twice = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger ended = new AtomicInteger();
            serveEach(twice, socket -> answerEachTwice(socket, ended));
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

    /**
     * Accepts until {@code listener} is closed; each connection is handed to {@code connection} on a
     * virtual thread of its own, in the order accepted.
     */
    private static void serveEach(ServerSocket listener, Consumer<Socket> connection) {
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread.ofVirtual().start(() -> connection.accept(socket));
                } catch (IOException e) {
                    // closed
                }
            }
        });
    }

    /**
     * The same server, gone after its one connection: the library cannot reconnect, so the next
     * command finds the client without a connection and the shell replaces it, which dropped the old
     * client's unsaid reason; the user read only "cannot connect" (1 of 2 runs before the fix). The
     * test above failed so once in a full echo-client run: its library had not reconnected yet, and
     * "reconnected to" came before the reason the new client met. The reason is said first now.
     */
    @Test
    void theReasonIsSaidBeforeTheShellReplacesTheClientThatMetIt() throws Exception {
        ServerSocket once = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String endpoint = "127.0.0.1:" + once.getLocalPort();
        AtomicInteger ended = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            try (once) {
                Socket socket = once.accept();
                once.close(); // refuse every later connection
                answerEachTwice(socket, ended);
            } catch (IOException e) {
                // closed by the test's end
            }
        });
        try (once; Session session = session(once.getLocalPort())) {
            Outcome first = session.execute(CommandParser.parseLine("echo one"));
            Await.until("the client to close the connection at the doubled answer", Duration.ofSeconds(10),
                    () -> ended.get() == 1 && !session.isConnected());
            Outcome second = session.execute(CommandParser.parseLine("echo two"));
            assertEquals(Outcome.FAILED, second, "no server to answer it");
            assertTrue(notices.toString().startsWith(endpoint + " sent an answer to no request: ECHO_MESSAGE;"
                    + " connection closed\ncannot connect to " + endpoint), "the reason, then the failure: " + notices);
            assertEquals(Outcome.FAILED, first.worse(second));
        }
    }

    /** Reads requests and writes each one's echo twice; counts the connection in {@code ended} when it ends. */
    private static void answerEachTwice(Socket socket, AtomicInteger ended) {
        try (socket) {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            ClientMessage request;
            while ((request = reader.read(ClientMessage.parser())) != null) {
                byte[] answer = Framing.DELIMITED.encode(
                        Messages.echoAnswer(request.getEchoMessage().getContent()));
                socket.getOutputStream().write(answer);
                socket.getOutputStream().write(answer);
            }
        } catch (IOException e) {
            // the client closed it
        } finally {
            ended.incrementAndGet();
        }
    }

    private static void answerOnceAndClose(Socket socket, boolean answers) {
        try (socket) {
            ClientMessage request = Framing.DELIMITED.newReader(socket.getInputStream())
                    .read(ClientMessage.parser());
            if (request != null && answers) {
                socket.getOutputStream().write(Framing.DELIMITED.encode(
                        Messages.echoAnswer(request.getEchoMessage().getContent())));
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
            CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(
                    () -> session.execute(repeat), OwnThread.named("session"));
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
            CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(
                    () -> session.execute(repeat), OwnThread.named("session"));
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
                    CompletableFuture.supplyAsync(
                            () -> session.execute(new Command.Echo("anyone?")), OwnThread.named("session"));
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
