package dev.echo.client.shell;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where the shell's input comes from. On JDK 22 and later {@link System#console()} is not null even
 * when stdin is redirected, and {@code Console.isTerminal()} (JDK 22+) is not in the Java 21 API we
 * compile against, so it is looked up reflectively; on JDK 21 a non-null console already means both
 * stdin and stdout are terminals. The system property {@code echo.client.interactive=true|false}
 * overrides the guess.
 */
final class Terminals {
    private Terminals() {}

    /**
     * Which standard streams are a terminal.
     *
     * @param stdin stdin (and stdout) are a terminal: the JLine shell runs when no command is given
     * @param stdout stdout is a terminal: answers carry their round-trip times, error answers go with them
     */
    record Attached(boolean stdin, boolean stdout) {}

    /**
     * The streams of this process.
     *
     * @throws UsageException if one of the system properties is set to anything but true or false
     */
    static Attached detect() throws UsageException {
        boolean both = consoleIsTerminal();
        return new Attached(forced(INTERACTIVE, System.getProperty(INTERACTIVE), both),
                forced(STDOUT_TERMINAL, System.getProperty(STDOUT_TERMINAL), both));
    }

    static final String INTERACTIVE = "echo.client.interactive";
    static final String STDOUT_TERMINAL = "echo.client.stdout-terminal";

    /**
     * The system property {@code name}'s value {@code forced} if set, else {@code guess}. bin/echo-client
     * sets {@code echo.client.stdout-terminal} from {@code [ -t 1 ]}: Java alone can only tell whether
     * both stdin and stdout are a terminal, and so takes stdout for a pipe whenever stdin is one. A value
     * that is neither true nor false is refused rather than read as false: "yes" meant something.
     */
    static boolean forced(String name, @Nullable String forced, boolean guess) throws UsageException {
        if (forced == null || forced.isBlank()) {
            return guess;
        }
        return switch (forced.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("invalid -D" + name + " '" + forced + "': expected true or false");
        };
    }

    /** True if stdin and stdout are a terminal. */
    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // cannot tell: the plain line-by-line mode works everywhere
        }
    }

    /**
     * The shell's history file: the system property {@code echo.client.history}, else the
     * environment variable {@code ECHO_CLIENT_HISTORY}, else {@code ~/.echo_client_history}.
     */
    static Path historyFile() {
        String property = System.getProperty("echo.client.history");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("ECHO_CLIENT_HISTORY");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".echo_client_history");
    }
}
