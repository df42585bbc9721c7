package dev.echo.client.shell;

import dev.echo.client.ClientConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The JLine shell: line editing, history in a file, tab completion of command words, a prompt
 * showing the endpoint. Ctrl-C at the prompt clears the line and while a command runs stops a
 * {@code repeat}; Ctrl-D or {@code quit} leaves.
 */
final class InteractiveShell {
    private InteractiveShell() {}

    static int run(ClientConfig config, OutputStyle style, Path historyFile) throws IOException {
        // Only the exec provider (stty): the ffm and jni ones need native access, and without
        // --enable-native-access the JDK prints warnings about restricted methods.
        try (Terminal terminal = TerminalBuilder.builder().system(true).provider("exec").ffm(false).jni(false).build()) {
            return run(terminal, config, style, historyFile);
        }
    }

    /** The shell on {@code terminal}; returns the exit code (0) at Ctrl-D, end of input or quit. */
    static int run(Terminal terminal, ClientConfig config, OutputStyle style, Path historyFile) throws IOException {
        try (Session session = new Session(config, style.on(terminal.writer(), terminal.writer()))) {
            PrintWriter out = terminal.writer();
            String unusable = HistoryFile.unusable(historyFile);
            LineReaderBuilder builder = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("echo-client")
                    .completer(new ArgumentCompleter(new StringsCompleter(CommandParser.COMMANDS), NullCompleter.INSTANCE))
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true); // "Hello!" is text, not history
            if (unusable == null) {
                builder.variable(LineReader.HISTORY_FILE, historyFile);
            } else {
                out.println("echo-client: history kept for this session only: " + unusable);
            }
            LineReader reader = builder.build();
            Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> session.cancel());
            out.println("echo-client: type help for the commands, Ctrl-D to leave");
            session.connectNow();
            try {
                loop(reader, session);
            } finally {
                terminal.handle(Terminal.Signal.INT, previous);
                try {
                    reader.getHistory().save();
                } catch (IOException e) {
                    out.println("echo-client: history not saved to " + historyFile + ": " + e.getMessage());
                }
                terminal.flush();
            }
        }
        return 0;
    }

    private static void loop(LineReader reader, Session session) {
        while (true) {
            String line;
            try {
                line = reader.readLine(session.prompt());
            } catch (UserInterruptException ctrlC) {
                continue;
            } catch (EndOfFileException ctrlD) {
                return;
            }
            Command command;
            try {
                command = CommandParser.parseLine(line);
            } catch (UsageException e) {
                session.usageError(e);
                continue;
            }
            if (session.execute(command) == Outcome.QUIT) {
                return;
            }
        }
    }
}
