package dev.echo.client.shell;

/** A command or option the user got wrong; the message is one line that says what and how to fix it. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
