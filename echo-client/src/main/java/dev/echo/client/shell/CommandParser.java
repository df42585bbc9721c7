package dev.echo.client.shell;

import java.util.List;
import java.util.Locale;

/**
 * Turns a shell line (or one-shot command-line words) into a {@link Command}, or a {@link
 * UsageException} that says what is wrong; a bad command never becomes a request.
 *
 * <ul>
 *   <li>{@code echo <text>}: the rest of the line, verbatim (inner spaces and quotes kept). Only if
 *       the whole rest is one quoted string are its quotes removed, so {@code echo "  padded "}
 *       and {@code echo ""} can send leading spaces or nothing.
 *   <li>other commands split their arguments into {@link Words}, as JLine does: {@code "double"}
 *       and {@code 'single'} quotes group words, a backslash escapes.
 *   <li>numbers are int32; {@code add 1 x} and {@code add 99999999999 1} are usage errors.
 * </ul>
 */
final class CommandParser {
    /** Every command word, for help and completion. */
    static final List<String> COMMANDS =
            List.of("echo", "add", "repeat", "connect", "disconnect", "status", "help", "quit", "exit");

    private CommandParser() {}

    /** Parses one shell line. */
    static Command parseLine(String line) throws UsageException {
        String trimmed = stripLeading(line);
        if (trimmed.isBlank() || trimmed.startsWith("#")) {
            return new Command.Nothing();
        }
        int end = wordEnd(trimmed);
        String word = trimmed.substring(0, end).toLowerCase(Locale.ROOT);
        String rest = stripLeading(trimmed.substring(end));
        return switch (word) {
            case "echo", "add" -> request(word, rest);
            case "repeat" -> {
                int countEnd = wordEnd(rest);
                if (countEnd == 0) {
                    throw new UsageException("usage: repeat <n> echo <text> | repeat <n> add <a> <b>");
                }
                int count = repeatCount(rest.substring(0, countEnd));
                String inner = stripLeading(rest.substring(countEnd));
                int innerEnd = wordEnd(inner);
                yield new Command.Repeat(count, request(inner.substring(0, innerEnd).toLowerCase(Locale.ROOT),
                        stripLeading(inner.substring(innerEnd))));
            }
            default -> simple(word, Words.split(rest));
        };
    }

    /** Parses a one-shot command given as separate words, as a shell passes them: {@code add 10 20}. */
    static Command parseWords(List<String> words) throws UsageException {
        if (words.isEmpty()) {
            return new Command.Nothing();
        }
        String word = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        return switch (word) {
            case "echo" -> {
                if (args.isEmpty()) {
                    throw new UsageException(ECHO_USAGE);
                }
                yield new Command.Echo(String.join(" ", args));
            }
            case "add" -> add(args);
            case "repeat" -> {
                if (args.size() < 2) {
                    throw new UsageException("usage: repeat <n> echo <text> | repeat <n> add <a> <b>");
                }
                Command inner = parseWords(args.subList(1, args.size()));
                if (!(inner instanceof Command.Request request)) {
                    throw new UsageException("repeat: only echo and add can be repeated, not '" + args.get(1) + "'");
                }
                yield new Command.Repeat(repeatCount(args.get(0)), request);
            }
            default -> simple(word, args);
        };
    }

    private static final String ECHO_USAGE = "usage: echo <text>  (echo \"\" sends an empty text)";

    private static Command.Request request(String word, String rest) throws UsageException {
        return switch (word) {
            case "echo" -> {
                if (rest.isEmpty()) {
                    throw new UsageException(ECHO_USAGE);
                }
                yield new Command.Echo(Words.unquoteWhole(rest));
            }
            case "add" -> add(Words.split(rest));
            case "" -> throw new UsageException("usage: repeat <n> echo <text> | repeat <n> add <a> <b>");
            default -> throw new UsageException("repeat: only echo and add can be repeated, not '" + word + "'");
        };
    }

    private static Command simple(String word, List<String> args) throws UsageException {
        return switch (word) {
            case "connect" -> connect(args);
            case "disconnect" -> noArgs(word, args, new Command.Disconnect());
            case "status" -> noArgs(word, args, new Command.Status());
            case "help", "?" -> new Command.Help();
            case "quit", "exit" -> noArgs(word, args, new Command.Quit());
            default -> throw new UsageException("unknown command '" + word + "': type help for the list");
        };
    }

    private static Command.Add add(List<String> args) throws UsageException {
        if (args.size() != 2) {
            throw new UsageException("usage: add <a> <b>  (two int32 numbers)");
        }
        return new Command.Add(int32("add", args.get(0)), int32("add", args.get(1)));
    }

    private static Command noArgs(String word, List<String> args, Command command) throws UsageException {
        if (!args.isEmpty()) {
            throw new UsageException(word + " takes no arguments, got '" + String.join(" ", args) + "'");
        }
        return command;
    }

    private static Command.Connect connect(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            return new Command.Connect(null, 0);
        }
        if (args.size() > 1) {
            throw new UsageException("usage: connect [host[:port]]");
        }
        String target = args.get(0);
        String host = target;
        String port = null;
        if (target.startsWith("[")) { // [::1]:8080
            int close = target.indexOf(']');
            if (close < 0) {
                throw new UsageException("connect: missing ']' in '" + target + "'");
            }
            host = target.substring(1, close);
            String after = target.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new UsageException("connect: expected host:port, got '" + target + "'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = target.lastIndexOf(':');
            if (colon >= 0 && target.indexOf(':') == colon) {
                host = target.substring(0, colon);
                port = target.substring(colon + 1);
            }
        }
        int portNumber = 0;
        if (port != null) {
            portNumber = int32("connect", port);
            if (portNumber < 1 || portNumber > 65_535) {
                throw new UsageException("connect: port must be between 1 and 65535, got " + port);
            }
        }
        return new Command.Connect(host.isEmpty() ? null : host, portNumber);
    }

    private static int repeatCount(String text) throws UsageException {
        int count = int32("repeat", text);
        if (count < 1) {
            throw new UsageException("repeat: count must be at least 1, got " + text);
        }
        return count;
    }

    /** Parses a decimal int32, with a message for each way it can be wrong. */
    static int int32(String command, String text) throws UsageException {
        if (!text.matches("[+-]?[0-9]+")) {
            throw new UsageException(command + ": '" + text + "' is not an integer");
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + text + " is out of the int32 range ("
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")");
        }
    }

    private static int wordEnd(String text) {
        int i = 0;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String stripLeading(String text) {
        return text.stripLeading();
    }
}
