package dev.echo.server;

import dev.echo.core.Durations;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How signals stop {@code bin/echo-server}. The first SIGINT, SIGTERM or SIGHUP begins the graceful
 * stop (the grace period lets requests in progress finish). Another one during the grace period cuts
 * every connection at once: someone who presses Ctrl-C twice, or a supervisor that signals again,
 * wants the process gone, not a wait of up to {@code --grace}. The process then says how many
 * connections were cut and exits with 128 + that signal's number (130 for SIGINT, 143 for SIGTERM,
 * 129 for SIGHUP), as a shell reports a process ended by that signal; after a graceful stop, 0.
 *
 * <p>A signal within {@link #SAME_EVENT} of the first counts as the same one: {@code timeout(1)} and
 * other tools deliver one stop both to the process and to its process group, which must not read
 * as an impatient second request.
 *
 * <p>SIGHUP is handled like SIGTERM (the JVM's default would exit at once with no summary): a
 * closed terminal or a supervisor's hangup still gets a graceful stop.
 */
final class ShutdownSignals {
    /** The signals handled, with their numbers, which are the same on Linux and macOS. */
    static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);
    /** Signals this close together are one delivery, not a person or a supervisor asking twice. */
    static final Duration SAME_EVENT = Duration.ofMillis(250);

    private final CountDownLatch stop;
    private EchoServer server;
    private int received;
    private long firstNanos;
    /** The signal that cut the grace period short, and how many connections it cut; null if none did. */
    private String cutBy;
    private int cut;

    /**
     * Not a static field: Main creates this before it has configured the logging from the command
     * line, and the first logger made fixes slf4j-simple's settings (level, timestamps) for good.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(ShutdownSignals.class);
    }

    /** @param stop opened by the first signal; whoever waits on it then closes the server */
    ShutdownSignals(CountDownLatch stop) {
        this.stop = stop;
    }

    /** Installs the handlers of every signal in {@link #NUMBERS} the platform has. */
    @SuppressWarnings("removal")
    void install() {
        for (String name : NUMBERS.keySet()) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> received(name, System.nanoTime()));
            } catch (IllegalArgumentException e) {
                // No such signal here, or the JVM keeps it (-Xrs): the others, or a kill, still stop the server.
                log().debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }

    /** The server that a second signal cuts short. */
    synchronized void serving(EchoServer server) {
        this.server = server;
    }

    /** Waits for the first signal. */
    void awaitStop() throws InterruptedException {
        stop.await();
    }

    /** The signal {@code name} (HUP, INT or TERM) arrived at {@code nowNanos}; called on the signal thread, and by tests. */
    synchronized void received(String name, long nowNanos) {
        if (received > 0 && nowNanos - firstNanos < SAME_EVENT.toNanos()) {
            log().debug("SIG{} {} ms after the first signal: the same delivery", name,
                    (nowNanos - firstNanos) / 1_000_000);
            return;
        }
        received++;
        if (received == 1) {
            firstNanos = nowNanos;
            if (server != null) {
                log().info("SIG{}: stopping gracefully within {}; send it again to stop at once", name,
                        Durations.format(server.config().shutdownGrace()));
            }
            stop.countDown();
        } else if (cutBy == null) {
            cutBy = name;
            cut = server == null ? 0 : server.cutConnections();
        }
    }

    /**
     * Once the server is closed: if a second signal cut the grace period short, prints the line that
     * says so on {@code out}. Returns the exit code: 128 + that signal's number, or 0.
     */
    synchronized int report(PrintStream out) {
        if (cutBy == null) {
            return Main.EXIT_OK;
        }
        out.println(CommandLineOptions.NAME + ": second signal (SIG" + cutBy + ") during the grace period: stopped at once, "
                + cut + " connection(s) cut");
        return 128 + NUMBERS.get(cutBy);
    }
}
