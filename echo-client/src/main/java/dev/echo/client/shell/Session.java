package dev.echo.client.shell;

import dev.echo.client.BadAnswerException;
import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.EchoClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The shell's state and commands, apart from where lines come from: the target endpoint, the
 * {@link EchoClient} (opened on first use) and the commands that manage it; the round trips
 * themselves are {@link RoundTrips}', the printing {@link Output}'s.
 *
 * <p>Reconnecting is the library's: a connection the server closed or reset is opened again in the
 * background, and a request it lost is sent again, within the {@code --timeout} deadline; the shell
 * says so once ({@code reconnected to host:port}). Only when a command finds no connection at all
 * (the server has been away longer than the library's first attempt) does the shell connect anew
 * itself, so that a server that is still down is reported at once rather than at the deadline.
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
    private volatile EchoClient client;
    /** The client's reconnects already told to the user. */
    private final ToldCount reconnectsTold = new ToldCount();
    /** The client's protocol errors already told to the user (or said by a failure's own line). */
    private final ToldCount protocolErrorsTold = new ToldCount();
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
     * Stops a running {@code repeat} before its next round trip, or abandons a single round trip that
     * waits for its answer and closes the client (its answer would hold up the next command's on a
     * pipelined connection; the next command connects again). Safe from any thread.
     */
    void cancel() {
        boolean single = roundTrips.singleInFlight();
        roundTrips.cancel();
        EchoClient current = client;
        if (single && current != null) {
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

    /** The client is open and has a connection (the library may be reconnecting it otherwise). */
    boolean isConnected() {
        EchoClient current = client;
        return current != null && !current.isClosed() && current.stats().connections() > 0;
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
        Outcome run(EchoClient client);
    }

    private Outcome withConnection(Task task) {
        if (!wantConnected) {
            output.notices().println("not connected: type connect [host:port] first");
            return Outcome.FAILED;
        }
        // Said before the client may be replaced below: a new client's counts start from zero, and
        // the reason the old one closed its connection was lost with it.
        EchoClient before = client;
        boolean brokeProtocol = before != null && announceProtocolErrors(before, true);
        if (!isConnected() && !open(everConnected ? "reconnected to " : null)) {
            return Outcome.FAILED;
        }
        EchoClient current = client;
        brokeProtocol |= announceProtocolErrors(current, true);
        announceReconnects(current, true);
        Outcome outcome;
        try {
            outcome = task.run(current);
        } catch (CancellationException e) {
            output.notices().println("cancelled");
            announceProtocolErrors(current, true);
            announceReconnects(current, false);
            return Outcome.FAILED;
        } catch (EchoClientException e) {
            output.notices().println(roundTrips.cancelled() ? "cancelled" : e.getMessage());
            announceProtocolErrors(current, !(e instanceof BadAnswerException)); // whose line is the reason
            announceReconnects(current, false); // the failure said it all: reconnects that led nowhere
            return Outcome.FAILED;
        }
        brokeProtocol |= announceProtocolErrors(current, true);
        // Only after a success: after an error answer or a failure the line said it all, and a reconnect
        // the library made since (a server that closed after a refusal) would read as a fix for it.
        announceReconnects(current, outcome == Outcome.OK);
        // A server that broke the protocol fails the command that found it, even though the library's
        // new connection answered it: a script of two echoes to a server answering twice exited 0 or 2
        // by the timing of the first duplicate (a helper's finding); it exits 2 now.
        return brokeProtocol ? outcome.worse(Outcome.FAILED) : outcome;
    }

    /**
     * Prints why the library closed a connection for a protocol error (an answer to no request: a
     * server that answered twice) since the last time, if {@code say}; returns whether there was one.
     */
    private boolean announceProtocolErrors(EchoClient current, boolean say) {
        long more = protocolErrorsTold.takeNew(current.stats().protocolErrors());
        if (more == 0) {
            return false;
        }
        if (say) {
            output.notices().println(current.lastProtocolError().orElse("the server broke the protocol")
                    + (more > 1 ? " (and " + (more - 1) + " more)" : "") + "; connection closed");
        }
        return true;
    }

    /**
     * Says {@code reconnected to host:port} once if the library opened a connection again since the
     * last time ({@code say}), or just notes it.
     */
    private void announceReconnects(EchoClient current, boolean say) {
        if (current.isClosed()) {
            return;
        }
        if (reconnectsTold.takeNew(current.stats().reconnects()) > 0 && say) {
            output.notices().println("reconnected to " + target.endpoint());
        }
    }

    /** Opens a client for the target; prints {@code announce + endpoint} on success if given. */
    private boolean open(String announce) {
        close();
        try {
            client = EchoClient.connect(libraryConfig(target));
        } catch (EchoClientException e) {
            output.notices().println(e.getMessage());
            return false;
        }
        reconnectsTold.reset();
        protocolErrorsTold.reset();
        everConnected = true;
        if (announce != null) {
            PrintWriter to = announce.startsWith("connected") ? output.text() : output.notices();
            to.println(announce + target.endpoint());
        }
        return true;
    }

    /**
     * The shell's options as the library's: {@code --timeout} is each request's deadline (0, no limit,
     * becomes a year: the library insists on one); nothing is waited for when the shell leaves.
     */
    static ClientConfig libraryConfig(ClientConfig target) {
        Duration timeout = target.readTimeout().isZero() ? NO_LIMIT : target.readTimeout();
        return target.toBuilder().requestTimeout(timeout).closeTimeout(Duration.ZERO).build();
    }

    /** What {@code --timeout 0} means: longer than anyone waits at a prompt. */
    private static final Duration NO_LIMIT = Duration.ofDays(365);

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
