package dev.echo.server;

import dev.echo.cli.StandardOutput;
import dev.echo.cli.UsageException;
import dev.echo.core.HostPort;
import dev.echo.core.RequestKind;
import dev.echo.core.proto.ErrorResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/echo-server}: parses the command line, starts an {@link EchoServer}, prints one line
 * saying where it listens, and on SIGINT, SIGTERM or SIGHUP closes it gracefully and prints one summary
 * line. Exit codes: 0 after a graceful stop, {@code --help} or {@code --version}; 2 for a bad argument
 * or an address that cannot be bound (one line on stderr, no stack trace); 128 + the signal's number
 * when a second signal cut the grace period short ({@link ShutdownSignals}).
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        rejectClientRenegotiation();
        ignoreServerNames();
        System.exit(run(args, System.out, System.err));
    }

    /** The JDK's switch, read once when its TLS classes load: so set before anything touches TLS. */
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    /**
     * A TLS 1.2 client may otherwise ask for a new handshake on its connection as often as it
     * likes, each costing the server a handshake's CPU outside the accept path's limits. The
     * server never needs one; {@code -Djdk.tls.rejectClientInitiatedRenegotiation=false} in
     * ECHO_JAVA_OPTS restores the JDK's default.
     */
    static void rejectClientRenegotiation() {
        setIfAbsent(REJECT_RENEGOTIATION, "true");
    }

    /** The JDK's list of TLS extensions a server ignores, read once when its first server-side handshake starts. */
    static final String SERVER_DISABLED_EXTENSIONS = "jdk.tls.server.disableExtensions";

    /**
     * The server presents one certificate whatever name a client asks for, but the JDK parses the
     * ClientHello's server name (SNI) itself and ends the handshake with illegal_parameter for a name
     * that is not a strict host name: {@code echo_server.internal} (an underscore, as docker-compose
     * and Kubernetes service names have) or {@code localhost.} (a trailing dot), which Go and OpenSSL
     * clients send. Ignoring the extension serves them. Left alone when ECHO_JAVA_OPTS sets the list,
     * as {@code -Djdk.tls.server.disableExtensions=} (empty) does to restore the JDK's default.
     */
    static void ignoreServerNames() {
        setIfAbsent(SERVER_DISABLED_EXTENSIONS, "server_name");
    }

    /**
     * Runs until SIGINT, SIGTERM or SIGHUP; options not on the command line come from {@code ECHO_*}
     * variables. Returns the exit code.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ShutdownSignals signals = new ShutdownSignals(new CountDownLatch(1));
        return run(args, System.getenv(), out, err, signals, signals::install);
    }

    /** The same, with no environment variables and {@code stop} opened by the test itself. */
    static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop, Runnable beforeServing) {
        return run(args, Map.of(), out, err, new ShutdownSignals(stop), beforeServing);
    }

    /**
     * Runs until {@code signals} says stop. {@code beforeServing} runs once the server listens, before
     * the line saying so (it installs the signal handlers in production; nothing in tests, which stop
     * the server themselves).
     */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err,
                   ShutdownSignals signals, Runnable beforeServing) {
        CommandLineOptions.Parsed parsed;
        try {
            parsed = CommandLineOptions.parse(args, environment);
        } catch (UsageException e) {
            return CommandLineOptions.SPEC.usageError(err, e);
        }
        if (parsed.help()) {
            out.print(CommandLineOptions.SPEC.help());
            return StandardOutput.exitCode(CommandLineOptions.NAME, EXIT_OK, out, err, EXIT_USAGE);
        }
        if (parsed.version()) {
            out.println(CommandLineOptions.SPEC.versionLine());
            return StandardOutput.exitCode(CommandLineOptions.NAME, EXIT_OK, out, err, EXIT_USAGE);
        }
        configureLogging(parsed.logLevel());
        EchoServer server = EchoServer.create(parsed.config());
        try {
            server.start();
        } catch (IOException e) {
            err.println(CommandLineOptions.NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        ScheduledExecutorService statsLogger = null;
        try {
            // The handlers first: a script or supervisor that signals as soon as it reads the line below
            // got exit 143 and no summary line in 6 of 12 tries (an attacker's finding).
            signals.serving(server);
            beforeServing.run();
            out.println(CommandLineOptions.NAME + " listening on " + HostPort.of(server.address()) + " (framing="
                    + parsed.config().framing().cliName() + ", threads=" + parsed.config().threadMode()
                    + server.metricsAddress().map(a -> ", metrics at http://" + HostPort.of(a) + "/metrics").orElse("")
                    + server.tlsDescription().map(tls -> ", " + tls).orElse("") + ")");
            out.flush();
            if (parsed.statsInterval() != null) {
                statsLogger = startStatsLogger(server, parsed.statsInterval());
            }
            signals.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (statsLogger != null) {
                statsLogger.shutdownNow();
            }
            server.close();
        }
        int exitCode = signals.report(out);
        out.println(CommandLineOptions.NAME + " stopped: " + summary(server.stats()));
        out.flush();
        return exitCode;
    }

    /** "12 connections served, 345 requests answered, errors: MALFORMED_MESSAGE=1" */
    static String summary(ServerStats stats) {
        List<String> errors = new ArrayList<>();
        for (ErrorResponse.Code code : ErrorResponse.Code.values()) {
            if (code != ErrorResponse.Code.UNRECOGNIZED && stats.errorCount(code) > 0) {
                errors.add(code.name() + "=" + stats.errorCount(code));
            }
        }
        String closed = stats.idleTimeouts() + stats.writeTimeouts() + stats.bufferBudgetRefusals() == 0 ? ""
                : "; closed: idle=" + stats.idleTimeouts() + " write-stalled=" + stats.writeTimeouts()
                        + " over-budget=" + stats.bufferBudgetRefusals();
        return stats.connectionsAccepted() + " connections served, " + stats.requestsAnswered() + " requests answered, "
                + stats.connectionsRejected() + " rejected, errors: " + (errors.isEmpty() ? "none" : String.join(" ", errors))
                + closed;
    }

    /** One line for the periodic log. */
    static String snapshot(ServerStats stats) {
        StringBuilder requests = new StringBuilder();
        for (RequestKind kind : RequestKind.values()) { // every kind, so a new one shows without an edit here
            requests.append(' ').append(kind.label()).append('=').append(stats.requestCount(kind));
        }
        return "connections active=" + stats.connectionsActive() + " accepted=" + stats.connectionsAccepted()
                + " rejected=" + stats.connectionsRejected() + ", requests" + requests
                + " answered=" + stats.requestsAnswered() + ", errors=" + stats.errorTotal()
                + ", bytes in=" + stats.bytesIn() + " out=" + stats.bytesOut() + ", closed idle=" + stats.idleTimeouts()
                + " write-stalled=" + stats.writeTimeouts() + " over-budget=" + stats.bufferBudgetRefusals();
    }

    /**
     * The TLS part of the periodic line: ", tls handshakes=120 failed=3 (not_tls=2 handshake_timeout=1)
     * bad-records=0 busy-unanswered=0 reloads=1 refused=0 expires-in=29d".
     */
    static String tlsSnapshot(TlsStats tls) {
        StringBuilder failed = new StringBuilder();
        tls.handshakeFailures().entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> failed.append(failed.isEmpty() ? "" : " ").append(e.getKey().label()).append('=').append(e.getValue()));
        return ", tls handshakes=" + tls.handshakes() + " failed=" + tls.handshakeFailureTotal()
                + (failed.isEmpty() ? "" : " (" + failed + ")") + " bad-records=" + tls.badRecords()
                + " busy-unanswered=" + tls.refusedUnanswered() + " reloads=" + tls.reloads() + " refused="
                + tls.reloadsRefused() + " expires-in=" + dev.echo.core.Durations.format(
                        java.time.Duration.ofSeconds(tls.untilExpiry(java.time.Instant.now()).toSeconds()));
    }

    private static ScheduledExecutorService startStatsLogger(EchoServer server, Duration interval) {
        Logger log = LoggerFactory.getLogger(Main.class);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon(true).name("echo-stats").unstarted(task));
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(() -> log.info("stats: {}{}", snapshot(server.stats()),
                server.tlsStats().map(Main::tlsSnapshot).orElse("")), millis, millis,
                TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** Takes effect only if slf4j-simple has not started yet, which is the case when run from main. */
    private static void configureLogging(String level) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
