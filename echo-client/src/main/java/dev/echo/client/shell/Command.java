package dev.echo.client.shell;

/** One parsed shell command. Made by {@link CommandParser}; run by {@link Session}. */
sealed interface Command {

    /** A command that sends requests to the server. */
    sealed interface Request extends Command permits Echo, Add {}

    /** {@code echo <text>}: the text is sent as it is. */
    record Echo(String text) implements Request {}

    /** {@code add <a> <b>}. */
    record Add(int a, int b) implements Request {}

    /** {@code repeat <count> echo|add ...}: {@code count} round trips of {@code request}, one after another. */
    record Repeat(int count, Request request) implements Command {}

    /**
     * {@code connect [host[:port]]}.
     *
     * @param host the new host, or null to keep the current one
     * @param port the new port, or 0 to keep the current one
     */
    record Connect(String host, int port) implements Command {}

    /** {@code disconnect}. */
    record Disconnect() implements Command {}

    /** {@code status}. */
    record Status() implements Command {}

    /** {@code help}. */
    record Help() implements Command {}

    /** {@code quit} or {@code exit}. */
    record Quit() implements Command {}

    /** An empty line or a {@code #} comment. */
    record Nothing() implements Command {}
}
