package dev.echo.bench;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a callback, so a main can close what it runs and exit 0 instead
 * of being torn down by the JVM's default handlers (exit 143/130).
 */
public final class StopSignals {
    private StopSignals() {}

    /** Runs {@code onStop} (on a signal thread) at the first SIGTERM or SIGINT. */
    public static void onTermOrInt(Runnable onStop) {
        onTermOrInt(signalNumber -> onStop.run());
    }

    /**
     * Runs {@code onStop} (on a signal thread) at SIGTERM or SIGINT with the signal's number (15, 2),
     * so that a main can exit the way the shell expects of a process a signal ended (128 + number).
     */
    @SuppressWarnings("restriction")
    public static void onTermOrInt(IntConsumer onStop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> onStop.accept(signal.getNumber()));
            } catch (IllegalArgumentException unsupported) {
                // The platform has no such signal (or it is reserved): the JVM's default applies.
            }
        }
    }
}
