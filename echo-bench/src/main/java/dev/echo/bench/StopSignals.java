package dev.echo.bench;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a callback, so a main can close what it runs and exit 0 instead
 * of being torn down by the JVM's default handlers (exit 143/130).
 */
public final class StopSignals {
    private StopSignals() {}

    /** Runs {@code onStop} (on a signal thread) at the first SIGTERM or SIGINT. */
    @SuppressWarnings("restriction")
    public static void onTermOrInt(Runnable onStop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> onStop.run());
            } catch (IllegalArgumentException unsupported) {
                // The platform has no such signal (or it is reserved): the JVM's default applies.
            }
        }
    }
}
