package dev.echo.client.shell;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.ConnectionClosedException;
import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The shell's state and commands, apart from where lines come from: the target endpoint, the
 * connection (opened on first use), counters, and the printing of answers. Answers (including
 * error answers) go to {@code answers}; connection trouble and notices go to {@code notices}.
 *
 * <p>If the server went away (it closed the connection or reset it), the next command connects
 * again once by itself, says so, and is sent on the new connection.
 *
 * <p>One thread runs commands; {@link #cancel()} may be called from another (Ctrl-C) and stops a
 * running {@code repeat} before its next round trip.
 */
final class Session implements AutoCloseable {

    private final PrintWriter answers;
    private final PrintWriter notices;
    private final boolean timings;
    private ClientConfig target;
    /** Volatile: {@link #cancel()} closes it from another thread to abort a blocked round trip. */
    private volatile EchoClient client;
    /** A single round trip (not a repeat) is waiting for its answer. */
    private volatile boolean singleInFlight;
    /** False after {@code disconnect}: requests are refused until {@code connect}. */
    private boolean wantConnected = true;
    private volatile long requestsSent; // read by status and, in tests, by another thread
    private long lastRoundTripNanos = -1;
    /** Round trips answered by the command now running; a command is retried only before its first. */
    private long answeredThisCommand;
    private volatile boolean cancelled;
    /** A connection was open once: opening another one later is a reconnect, and is announced. */
    private boolean everConnected;

    Session(ClientConfig target, PrintWriter answers, PrintWriter notices, boolean timings) {
        this.target = target;
        this.answers = answers;
        this.notices = notices;
        this.timings = timings;
    }

    /** Runs one command and flushes what it printed. */
    Outcome execute(Command command) {
        cancelled = false;
        answeredThisCommand = 0;
        try {
            return switch (command) {
                case Command.Nothing nothing -> Outcome.OK;
                case Command.Request request -> withConnection(client -> roundTrip(client, request));
                case Command.Repeat repeat -> withConnection(client -> repeat(client, repeat));
                case Command.Connect connect -> connect(connect);
                case Command.Disconnect disconnect -> disconnect();
                case Command.Status status -> status();
                case Command.Help help -> help();
                case Command.Quit quit -> Outcome.QUIT;
            };
        } finally {
            answers.flush();
            notices.flush();
        }
    }

    /** Prints a usage mistake the way every other problem is printed. */
    Outcome usageError(UsageException e) {
        notices.println(e.getMessage());
        notices.flush();
        return Outcome.FAILED;
    }

    /**
     * Stops a running {@code repeat} before its next round trip, or aborts a single round trip that
     * waits for its answer by closing the connection (the next command reconnects). Safe from any
     * thread.
     */
    void cancel() {
        cancelled = true;
        EchoClient current = client;
        if (singleInFlight && current != null) {
            current.close();
        }
    }

    /** Connects now, announcing the result; for the interactive shell's start. */
    void connectNow() {
        if (open("connected to ")) {
            answers.flush();
        }
        notices.flush();
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
        return requestsSent;
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
        Outcome run(EchoClient client) throws IOException;
    }

    private Outcome withConnection(Task task) {
        if (!wantConnected) {
            notices.println("not connected: type connect [host:port] first");
            return Outcome.FAILED;
        }
        if (!isConnected()) {
            if (!open(everConnected ? "reconnected to " : null)) {
                return Outcome.FAILED;
            }
        }
        try {
            return task.run(client);
        } catch (IOException e) {
            if (cancelled) {
                notices.println("cancelled");
                return Outcome.FAILED;
            }
            if (answeredThisCommand > 0 || !serverWentAway(e)) {
                notices.println(e.getMessage());
                return Outcome.FAILED;
            }
            close();
            notices.print(e.getMessage() + "; ");
            if (!open("reconnected to ")) {
                return Outcome.FAILED;
            }
            try {
                return task.run(client);
            } catch (IOException again) {
                notices.println(again.getMessage());
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
            client = EchoClient.connect(target);
        } catch (IOException e) {
            notices.println(e.getMessage());
            return false;
        }
        everConnected = true;
        if (announce != null) {
            (announce.startsWith("connected") ? answers : notices).println(announce + target.endpoint());
        }
        return true;
    }

    private Outcome roundTrip(EchoClient client, Command.Request request) throws IOException {
        ClientMessage message = toMessage(request);
        long start = System.nanoTime();
        ServerMessage answer;
        singleInFlight = true; // before the count, so that a count seen elsewhere implies it
        requestsSent++;
        try {
            answer = client.call(message);
        } finally {
            singleInFlight = false;
        }
        long rtt = System.nanoTime() - start;
        lastRoundTripNanos = rtt;
        answeredThisCommand++;
        return switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> printAnswer(answer.getEchoMessage().getContent(), rtt);
            case ADD_RESPONSE -> printAnswer(Integer.toString(answer.getAddResponse().getResult()), rtt);
            case ERROR -> {
                answers.println("error " + answer.getError().getCode() + ": " + answer.getError().getDetail());
                yield Outcome.SERVER_ERROR;
            }
            case MESSAGE_NOT_SET -> {
                notices.println(client.endpoint() + ": the server sent an empty answer");
                yield Outcome.FAILED;
            }
        };
    }

    private Outcome printAnswer(String text, long rttNanos) {
        answers.println(timings ? text + "  (" + millis(rttNanos) + ")" : text);
        return Outcome.OK;
    }

    private Outcome repeat(EchoClient client, Command.Repeat repeat) throws IOException {
        ClientMessage message = toMessage(repeat.request());
        long[] rtts = new long[repeat.count()];
        int done = 0;
        long start = System.nanoTime();
        try {
            while (done < repeat.count() && !cancelled) {
                long sent = System.nanoTime();
                requestsSent++;
                ServerMessage answer = client.call(message);
                long rtt = System.nanoTime() - sent;
                lastRoundTripNanos = rtt;
                answeredThisCommand++;
                String wrong = check(repeat.request(), answer);
                if (wrong != null) {
                    answers.println(wrong + " (after " + done + " of " + repeat.count() + ")");
                    return answer.hasError() ? Outcome.SERVER_ERROR : Outcome.FAILED;
                }
                rtts[done++] = rtt;
            }
        } catch (IOException e) {
            if (done == 0) {
                throw e; // nothing answered yet: the caller may reconnect and start over
            }
            notices.println(e.getMessage() + " (after " + done + " of " + repeat.count() + ")");
            return Outcome.FAILED;
        }
        long total = System.nanoTime() - start;
        answers.println((cancelled ? "cancelled after " : "") + summary(repeat, rtts, done, total));
        return Outcome.OK;
    }

    /** Null if {@code answer} is the right answer to {@code request}, else what is wrong with it. */
    private static String check(Command.Request request, ServerMessage answer) {
        if (answer.hasError()) {
            return "error " + answer.getError().getCode() + ": " + answer.getError().getDetail();
        }
        return switch (request) {
            case Command.Echo echo -> answer.hasEchoMessage() && answer.getEchoMessage().getContent().equals(echo.text())
                    ? null : "wrong answer to echo: " + answer.getMessageCase();
            case Command.Add add -> answer.hasAddResponse() && answer.getAddResponse().getResult() == (long) add.a() + add.b()
                    ? null : "wrong answer to add: " + answer;
        };
    }

    private static String summary(Command.Repeat repeat, long[] rtts, int done, long totalNanos) {
        String what = repeat.request() instanceof Command.Echo ? "echo" : "add";
        if (done == 0) {
            return "0 of " + repeat.count() + " " + what;
        }
        long[] sorted = Arrays.copyOf(rtts, done);
        Arrays.sort(sorted);
        long sum = 0;
        for (long rtt : sorted) {
            sum += rtt;
        }
        long p99 = sorted[Math.max(0, (int) Math.ceil(done * 0.99) - 1)];
        return String.format(Locale.ROOT, "%d%s %s in %s: mean %s, p99 %s",
                done, done == repeat.count() ? "" : " of " + repeat.count(), what,
                millis(totalNanos), millis(sum / done), millis(p99));
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
            answers.println("not connected");
            return Outcome.OK;
        }
        close();
        answers.println("disconnected from " + target.endpoint());
        return Outcome.OK;
    }

    private Outcome status() {
        String state = isConnected() ? "connected" : client != null ? "connection lost" : "not connected";
        answers.println("endpoint  " + target.endpoint() + " (" + state + ")");
        answers.println("framing   " + target.framing().cliName());
        answers.println("requests  " + requestsSent);
        answers.println("last rtt  " + (lastRoundTripNanos < 0 ? "-" : millis(lastRoundTripNanos)));
        return Outcome.OK;
    }

    private Outcome help() {
        answers.println("echo <text>              send text, print the server's echo (rest of the line, verbatim)");
        answers.println("add <a> <b>              add two int32 numbers on the server");
        answers.println("repeat <n> echo <text>   n round trips, then count, total time, mean and p99");
        answers.println("repeat <n> add <a> <b>   the same with add; Ctrl-C stops it early");
        answers.println("connect [host[:port]]    (re)connect, optionally somewhere else");
        answers.println("disconnect               close the connection");
        answers.println("status                   endpoint, framing, requests sent, last round trip");
        answers.println("help                     this list");
        answers.println("quit, exit, Ctrl-D       leave");
        return Outcome.OK;
    }

    private static ClientMessage toMessage(Command.Request request) {
        return switch (request) {
            case Command.Echo echo -> ClientMessage.newBuilder()
                    .setEchoMessage(EchoMessage.newBuilder().setContent(echo.text()))
                    .build();
            case Command.Add add -> ClientMessage.newBuilder()
                    .setAddRequest(AddRequest.newBuilder().setA(add.a()).setB(add.b()))
                    .build();
        };
    }

    /** {@code 0.21 ms}. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
