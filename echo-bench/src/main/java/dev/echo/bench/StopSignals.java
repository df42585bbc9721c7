package dev.echo.bench;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a callback, so a main can close what it runs and exit 0 instead
 * of being torn down by the JVM's default handlers (exit 143/130). A second signal ends the process
 * at once with 128 + its number, as echo-server's does: a tool stuck after the first (writing its
 * report to a FIFO no one reads, an attacker found) otherwise ignored every signal but SIGKILL.
 */
public final class StopSignals {
    private StopSignals() {}

    /** Runs {@code onStop} (on a signal thread) at the first SIGTERM or SIGINT; the second halts. */
    public static void onTermOrInt(Runnable onStop) {
        onTermOrInt(signalNumber -> onStop.run());
    }

    /**
     * Runs {@code onStop} (on a signal thread) at SIGTERM or SIGINT with the signal's number (15, 2),
     * so that a main can exit the way the shell expects of a process a signal ended (128 + number).
     */
    @SuppressWarnings("restriction")
    public static void onTermOrInt(IntConsumer onStop) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (stopping.compareAndSet(false, true)) {
                        onStop.accept(signal.getNumber());
                    } else {
                        System.err.println("second signal (SIG" + signal.getName() + "): stopped at once");
                        Runtime.getRuntime().halt(128 + signal.getNumber());
                    }
                });
            } catch (IllegalArgumentException unsupported) {
                // The platform has no such signal (or it is reserved): the JVM's default applies.
            }
        }
    }
}
