package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.testkit.OwnThread;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JLine shell on a terminal made of streams: prompt, answers, history file, end of input. */
@Timeout(60)
class InteractiveShellTest {

    @Test
    void promptAnswersAndHistory(@TempDir Path dir) throws Exception {
        Path history = dir.resolve("history");
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            String screen = typeAndQuit(server.port(), history, "echo Hello, World!\radd 1 x\radd 10 20\r", "30");
            List<String> shown = shownLines(screen, server.port());
            String endpoint = "127.0.0.1:" + server.port();
            assertTrue(shown.contains("connected to " + endpoint), "announces the connection: " + shown);
            assertTrue(screen.contains("echo " + endpoint + "> "),
                    "the prompt shows the endpoint: " + shown);
            assertTrue(shown.contains("Hello, World!"), "the echo answer: " + shown);
            assertTrue(shown.contains("add: 'x' is not an integer"), "the usage error: " + shown);
            assertTrue(shown.contains("30"), "the add answer: " + shown);
            assertEquals(2, server.stats().requestsAnswered(), "the bad add was not sent");
            List<String> saved = Files.readAllLines(history);
            assertEquals(3, saved.size(), "three lines in the history file: " + saved);
            assertTrue(saved.get(2).endsWith("add 10 20"), "the last line typed is last: " + saved);
        }
    }

    /** An error answer with a megabyte of detail is one bounded, escaped line on the terminal too. */
    @Test
    void aHugeErrorDetailIsOneBoundedLine(@TempDir Path dir) throws Exception {
        byte[] answer = dev.echo.core.Framing.DELIMITED.encode(dev.echo.core.Messages.error(
                dev.echo.core.proto.ErrorResponse.Code.MALFORMED_MESSAGE, HostileServerTest.HUGE_DETAIL));
        try (dev.echo.testkit.MisbehavingServer server = dev.echo.testkit.MisbehavingServer.plain(
                dev.echo.testkit.MisbehavingServer.answerWith(answer))) {
            String line = "error MALFORMED_MESSAGE: " + HostileServerTest.HUGE_DETAIL_PRINTED;
            String screen = typeAndQuit(server.port(), dir.resolve("history"), "echo hi\r", line);
            assertTrue(shownLines(screen, server.port()).contains(line), screen.substring(0, Math.min(2000, screen.length())));
            assertTrue(screen.length() < 2000, "nothing else of it: " + screen.length() + " characters");
        }
    }

    /** ECHO_CLIENT_HISTORY pointed at notes: JLine replaced their lines with its own. */
    @Test
    void aFileThatIsNotAHistoryIsLeftAsItIsAndTheShellWorks(@TempDir Path dir) throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "important line one\nsecond: data 42\n");
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            String screen = typeAndQuit(server.port(), notes, "echo kept\r", "kept");
            assertTrue(screen.contains("echo-client: history kept for this session only: " + notes
                    + " is not an echo-client history (line 1 has no time stamp); it is left as it is"), screen);
            assertTrue(screen.contains("kept"), "the echo answer: " + screen);
        }
        assertEquals("important line one\nsecond: data 42\n", Files.readString(notes), "the notes as they were");
    }

    /** A history that cannot be written (a container's user with no home): a warning and a stack trace per command, then exit 2. */
    @Test
    void aHistoryFileThatCannotBeCreatedIsOneLineAndTheShellEndsWithZero(@TempDir Path dir) throws Exception {
        Path nowhere = dir.resolve("no such directory").resolve(".echo_client_history");
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            String screen = typeAndQuit(server.port(), nowhere, "echo still works\r", "still works");
            assertTrue(screen.contains("echo-client: history kept for this session only: " + nowhere + " cannot be created"), screen);
            assertTrue(screen.contains("still works"), "the echo answer: " + screen);
            assertTrue(!screen.contains("Exception"), "no stack trace: " + screen);
        }
        assertTrue(!Files.exists(nowhere.getParent()), "nothing created");
    }

    /** Types {@code keys}, waits for {@code answer} on the screen, ends the input; the screen, after an exit code 0. */
    private static String typeAndQuit(int port, Path history, String keys, String answer) throws Exception {
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream terminalInput = new PipedInputStream(keyboard, 4096);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        ClientConfig config = ClientConfig.builder().port(port).build();
        try (Terminal terminal = new DumbTerminal("test", "dumb", terminalInput, screen, StandardCharsets.UTF_8)) {
            CompletableFuture<Integer> shell = CompletableFuture.supplyAsync(() -> {
                try {
                    return InteractiveShell.run(terminal, config, new OutputStyle(false, false, false), history);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, OwnThread.named("shell"));
            keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!shownLines(screen.toString(StandardCharsets.UTF_8), port).contains(answer)
                    && System.nanoTime() < deadline && !shell.isDone()) {
                Thread.onSpinWait();
            }
            keyboard.close(); // end of input, as Ctrl-D
            assertEquals(0, shell.get(20, TimeUnit.SECONDS), "end of input leaves with 0: " + screen);
        }
        return screen.toString(StandardCharsets.UTF_8);
    }

    /** The screen's lines without prompts (a dumb terminal puts each answer right after one). */
    private static List<String> shownLines(String screen, int port) {
        String prompt = "echo 127.0.0.1:" + port + "> ";
        return screen.replace("\r", "").replace(prompt, "").lines().toList();
    }
}
