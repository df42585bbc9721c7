package dev.echo.client.shell;

import dev.echo.cli.CommandSpec;
import dev.echo.cli.StandardOutput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code bin/echo-client}: a one-shot command ({@code echo-client add 10 20}), the interactive
 * shell when stdin is a terminal, or else a script read line by line from stdin with one answer
 * per line and no prompts. Exit codes: 0 ok, 1 an error answer from the server, 2 a usage or
 * connection error (for a script: the worst over all its lines). How answers look is {@link
 * OutputStyle}'s choice: for a person on a terminal, bare for a pipe, or JSON lines.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Terminals.Attached terminals;
        try {
            terminals = Terminals.detect();
        } catch (UsageException e) {
            System.err.println(ClientOptions.SPEC.name() + ": " + e.getMessage());
            System.exit(CommandSpec.EXIT_USAGE);
            return;
        }
        System.exit(run(args, System.in, System.out, System.err, terminals));
    }

    /**
     * Everything {@link #main} does, on the given streams, returning the exit code.
     *
     * @param terminals which of the streams are a terminal: with stdin, the JLine shell runs (on the
     *     system terminal) when no command is given; with stdout, answers are printed for a person
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Terminals.Attached terminals) {
        PrintWriter answers = new PrintWriter(new OutputStreamWriter(out, out.charset()), true);
        PrintWriter notices = new PrintWriter(new OutputStreamWriter(err, err.charset()), true);
        int code = dispatch(args, in, answers, notices, terminals);
        answers.flush(); // into out, whose checkError sees what the writer cannot
        return StandardOutput.exitCode(ClientOptions.SPEC.name(), code, out, err, CommandSpec.EXIT_USAGE);
    }

    private static int dispatch(String[] args, InputStream in, PrintWriter answers, PrintWriter notices,
            Terminals.Attached terminals) {
        ClientOptions options;
        try {
            options = ClientOptions.parse(args);
        } catch (UsageException e) {
            notices.println(ClientOptions.SPEC.name() + ": " + e.getMessage());
            return CommandSpec.EXIT_USAGE;
        }
        if (options.help()) {
            answers.print(ClientOptions.SPEC.help());
            answers.flush();
            return 0;
        }
        if (options.version()) {
            answers.println(ClientOptions.SPEC.versionLine());
            return 0;
        }
        if (!options.command().isEmpty()) {
            return oneShot(options, session(options, terminals, answers, notices), notices); // opens nothing yet
        }
        if (terminals.stdin()) {
            try {
                return InteractiveShell.run(options.config(), OutputStyle.of(options, true), Terminals.historyFile());
            } catch (IOException | UncheckedIOException e) {
                notices.println("echo-client: cannot open the terminal: " + e.getMessage());
                return 2;
            }
        }
        return script(session(options, terminals, answers, notices), in, notices);
    }

    private static Session session(ClientOptions options, Terminals.Attached terminals, PrintWriter answers,
            PrintWriter notices) {
        return new Session(options.config(), OutputStyle.of(options, terminals.stdout()).on(answers, notices));
    }

    private static int oneShot(ClientOptions options, Session session, PrintWriter notices) {
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
        try (session) {
            return session.execute(command).exitCode();
        }
    }

    private static int script(Session session, InputStream in, PrintWriter notices) {
        Outcome worst = Outcome.OK;
        try (session;
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
}
