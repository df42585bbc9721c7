package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
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
            PipedOutputStream keyboard = new PipedOutputStream();
            PipedInputStream terminalInput = new PipedInputStream(keyboard, 4096);
            ByteArrayOutputStream screen = new ByteArrayOutputStream();
            ClientConfig config = ClientConfig.builder().port(server.port()).build();
            try (Terminal terminal = new DumbTerminal("test", "dumb", terminalInput, screen, StandardCharsets.UTF_8)) {
                CompletableFuture<Integer> shell = CompletableFuture.supplyAsync(() -> {
                    try {
                        return InteractiveShell.run(terminal, config, new OutputStyle(false, false, false), history);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                keyboard.write("echo Hello, World!\radd 1 x\radd 10 20\r".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!shownLines(screen, server.port()).contains("30") && System.nanoTime() < deadline
                        && !shell.isDone()) {
                    Thread.onSpinWait();
                }
                keyboard.close(); // end of input, as Ctrl-D
                assertEquals(0, shell.get(20, TimeUnit.SECONDS), "end of input leaves with 0");
            }
            List<String> shown = shownLines(screen, server.port());
            String endpoint = "127.0.0.1:" + server.port();
            assertTrue(shown.contains("connected to " + endpoint), "announces the connection: " + shown);
            assertTrue(screen.toString(StandardCharsets.UTF_8).contains("echo " + endpoint + "> "),
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

    /** The screen's lines without prompts (a dumb terminal puts each answer right after one). */
    private static List<String> shownLines(ByteArrayOutputStream screen, int port) {
        String prompt = "echo 127.0.0.1:" + port + "> ";
        return screen.toString(StandardCharsets.UTF_8).replace("\r", "").replace(prompt, "").lines().toList();
    }
}
