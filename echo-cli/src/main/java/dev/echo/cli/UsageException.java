package dev.echo.cli;

/**
 * A command-line mistake. The message is the one line the user sees after the tool's name, like
 * {@code invalid --port 'abc': expected a whole number from 0 to 65535}; the tool then exits 2.
 */
public class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    /**
     * {@code invalid --OPTION 'VALUE': expected ...}: the one format for a bad value, also for one
     * the spec cannot judge alone (a value that conflicts with another option's).
     */
    public static UsageException invalid(CliOption<?> option, String text, String expected) {
        return invalid("--" + option.longName(), text, expected);
    }

    /** The same, naming where the value came from: {@code --port} or {@code ECHO_PORT}. */
    static UsageException invalid(String source, String text, String expected) {
        return new UsageException("invalid " + source + " '" + text + "': expected " + expected);
    }
}
