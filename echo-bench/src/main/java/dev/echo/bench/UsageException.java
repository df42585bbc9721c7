package dev.echo.bench;

/** A command-line mistake: the message is the one line shown to the user, who then gets exit code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
