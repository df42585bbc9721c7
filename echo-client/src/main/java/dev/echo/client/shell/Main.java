package dev.echo.client.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * {@code bin/echo-client}: a one-shot command ({@code echo-client add 10 20}), the interactive
 * shell when stdin is a terminal, or else a script read line by line from stdin with one answer
 * per line and no prompts. Exit codes: 0 ok, 1 an error answer from the server, 2 a usage or
 * connection error (for a script: the worst over all its lines).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, Terminals.stdinIsTerminal()));
    }

    /**
     * Everything {@link #main} does, on the given streams, returning the exit code.
     *
     * @param interactive run the JLine shell (on the system terminal) when no command is given
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean interactive) {
        PrintWriter answers = new PrintWriter(new OutputStreamWriter(out, out.charset()), true);
        PrintWriter notices = new PrintWriter(new OutputStreamWriter(err, err.charset()), true);
        ClientOptions options;
        try {
            options = ClientOptions.parse(args);
        } catch (UsageException e) {
            notices.println("echo-client: " + e.getMessage() + " (try --help)");
            return 2;
        }
        if (options.help()) {
            ClientOptions.printHelp(answers);
            return 0;
        }
        if (options.version()) {
            answers.println("echo-client " + version());
            return 0;
        }
        if (!options.command().isEmpty()) {
            return oneShot(options, answers, notices);
        }
        if (interactive) {
            try {
                return InteractiveShell.run(options.config(), options.timings(), Terminals.historyFile());
            } catch (IOException | UncheckedIOException e) {
                notices.println("echo-client: cannot open the terminal: " + e.getMessage());
                return 2;
            }
        }
        return script(options, in, answers, notices);
    }

    private static int oneShot(ClientOptions options, PrintWriter answers, PrintWriter notices) {
        Command command;
        try {
            command = CommandParser.parseWords(options.command());
        } catch (UsageException e) {
            notices.println("echo-client: " + e.getMessage());
            return 2;
        }
        if (!(command instanceof Command.Request || command instanceof Command.Repeat || command instanceof Command.Help)) {
            notices.println("echo-client: '" + options.command().get(0)
                    + "' only works inside the shell; one-shot commands are echo, add and repeat");
            return 2;
        }
        try (Session session = new Session(options.config(), answers, notices, options.timings())) {
            return session.execute(command).exitCode();
        }
    }

    private static int script(ClientOptions options, InputStream in, PrintWriter answers, PrintWriter notices) {
        Outcome worst = Outcome.OK;
        try (Session session = new Session(options.config(), answers, notices, options.timings());
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                Outcome outcome;
                try {
                    outcome = session.execute(CommandParser.parseLine(line));
                } catch (UsageException e) {
                    outcome = session.usageError(e);
                }
                if (outcome == Outcome.QUIT) {
                    break;
                }
                worst = worst.worse(outcome);
            }
        } catch (IOException e) {
            notices.println("echo-client: cannot read commands from stdin: " + e.getMessage());
            return 2;
        }
        return worst.exitCode();
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "(unknown version: " + e.getMessage() + ")";
        }
        return properties.getProperty("version", "(unknown version)");
    }
}
