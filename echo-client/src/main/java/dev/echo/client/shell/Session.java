package dev.echo.client.shell;

import dev.echo.client.ClientConfig;
import dev.echo.client.ConnectionClosedException;
import dev.echo.client.EchoConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;

/**
 * The shell's state and commands, apart from where lines come from: the target endpoint, the
 * connection (opened on first use) and the commands that manage it; the round trips themselves are
 * {@link RoundTrips}', the printing {@link Output}'s.
 *
 * <p>If the server went away (it closed the connection or reset it), the next command connects
 * again once by itself, says so, and is sent on the new connection.
 *
 * <p>One thread runs commands; {@link #cancel()} may be called from another (Ctrl-C) and stops a
 * running {@code repeat} before its next round trip.
 */
final class Session implements AutoCloseable {
    private static final String HELP = """
            echo <text>              send text, print the server's echo (rest of the line, verbatim)
            add <a> <b>              add two int32 numbers on the server
            repeat <n> echo <text>   n round trips, then count, total time, mean and p99
            repeat <n> add <a> <b>   the same with add; Ctrl-C stops it early
            connect [host[:port]]    (re)connect, optionally somewhere else
            disconnect               close the connection
            status                   endpoint, framing, requests sent, last round trip
            help                     this list
            quit, exit, Ctrl-D       leave
            """;

    private final Output output;
    private final RoundTrips roundTrips;
    private ClientConfig target;
    /** Volatile: {@link #cancel()} closes it from another thread to abort a blocked round trip. */
    private volatile EchoConnection client;
    /** False after {@code disconnect}: requests are refused until {@code connect}. */
    private boolean wantConnected = true;
    /** A connection was open once: opening another one later is a reconnect, and is announced. */
    private boolean everConnected;

    Session(ClientConfig target, Output output) {
        this.target = target;
        this.output = output;
        this.roundTrips = new RoundTrips(output);
    }

    /** Runs one command and flushes what it printed. */
    Outcome execute(Command command) {
        roundTrips.startCommand();
        try {
            return switch (command) {
                case Command.Nothing nothing -> Outcome.OK;
                case Command.Request request -> withConnection(client -> roundTrips.single(client, request));
                case Command.Repeat repeat -> withConnection(client -> roundTrips.repeat(client, repeat));
                case Command.Connect connect -> connect(connect);
                case Command.Disconnect disconnect -> disconnect();
                case Command.Status status -> status();
                case Command.Help help -> {
                    output.text().print(HELP);
                    yield Outcome.OK;
                }
                case Command.Quit quit -> Outcome.QUIT;
            };
        } finally {
            output.flush();
        }
    }

    /** Prints a usage mistake the way every other problem is printed. */
    Outcome usageError(UsageException e) {
        output.notices().println(e.getMessage());
        output.flush();
        return Outcome.FAILED;
    }

    /**
     * Stops a running {@code repeat} before its next round trip, or aborts a single round trip that
     * waits for its answer by closing the connection (the next command reconnects). Safe from any
     * thread.
     */
    void cancel() {
        roundTrips.cancel();
        EchoConnection current = client;
        if (roundTrips.singleInFlight() && current != null) {
            current.close();
        }
    }

    /** Connects now, announcing the result; for the interactive shell's start. */
    void connectNow() {
        open("connected to ");
        output.flush();
    }

    /** The interactive prompt: where the shell sends its requests, and whether it is connected. */
    String prompt() {
        return "echo " + target.endpoint() + (isConnected() ? "" : " (not connected)") + "> ";
    }

    boolean isConnected() {
        return client != null && client.isOpen();
    }

    ClientConfig target() {
        return target;
    }

    long requestsSent() {
        return roundTrips.requestsSent();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @FunctionalInterface
    private interface Task {
        Outcome run(EchoConnection client) throws IOException;
    }

    private Outcome withConnection(Task task) {
        if (!wantConnected) {
            output.notices().println("not connected: type connect [host:port] first");
            return Outcome.FAILED;
        }
        if (!isConnected() && !open(everConnected ? "reconnected to " : null)) {
            return Outcome.FAILED;
        }
        try {
            return task.run(client);
        } catch (IOException e) {
            if (roundTrips.cancelled()) {
                output.notices().println("cancelled");
                return Outcome.FAILED;
            }
            if (roundTrips.answeredThisCommand() || !serverWentAway(e)) {
                output.notices().println(e.getMessage());
                return Outcome.FAILED;
            }
            close();
            output.notices().print(e.getMessage() + "; ");
            if (!open("reconnected to ")) {
                return Outcome.FAILED;
            }
            try {
                return task.run(client);
            } catch (IOException again) {
                output.notices().println(again.getMessage());
                return Outcome.FAILED;
            }
        }
    }

    /** A stale connection: the server restarted or dropped us while the shell was idle. */
    private static boolean serverWentAway(IOException e) {
        return e instanceof ConnectionClosedException || e.getCause() instanceof SocketException;
    }

    /** Opens a connection to the target; prints {@code announce + endpoint} on success if given. */
    private boolean open(String announce) {
        close();
        try {
            client = EchoConnection.connect(target);
        } catch (IOException e) {
            output.notices().println(e.getMessage());
            return false;
        }
        everConnected = true;
        if (announce != null) {
            PrintWriter to = announce.startsWith("connected") ? output.text() : output.notices();
            to.println(announce + target.endpoint());
        }
        return true;
    }

    private Outcome connect(Command.Connect connect) {
        ClientConfig.Builder builder = target.toBuilder();
        if (connect.host() != null) {
            builder.host(connect.host());
        }
        if (connect.port() != 0) {
            builder.port(connect.port());
        }
        target = builder.build();
        wantConnected = true;
        return open("connected to ") ? Outcome.OK : Outcome.FAILED;
    }

    private Outcome disconnect() {
        wantConnected = false;
        if (client == null) {
            output.text().println("not connected");
            return Outcome.OK;
        }
        close();
        output.text().println("disconnected from " + target.endpoint());
        return Outcome.OK;
    }

    private Outcome status() {
        String state = isConnected() ? "connected" : client != null ? "connection lost" : "not connected";
        long lastRtt = roundTrips.lastRoundTripNanos();
        PrintWriter out = output.text();
        out.println("endpoint  " + target.endpoint() + " (" + state + ")");
        out.println("framing   " + target.framing().cliName());
        out.println("requests  " + roundTrips.requestsSent());
        out.println("last rtt  " + (lastRtt < 0 ? "-" : Output.millis(lastRtt)));
        return Outcome.OK;
    }
}
