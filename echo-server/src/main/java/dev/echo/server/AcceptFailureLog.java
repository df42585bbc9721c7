package dev.echo.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Says that accepting fails without saying it twenty times a second: the first failure of a run is
 * told at once, later ones are counted and told as one line per interval, and the first success
 * after a run says how many were not told. A failing accept (out of file descriptors, typically)
 * repeats the same error until something else frees a descriptor, so each line would teach nothing
 * new. Used by the accept thread alone.
 */
final class AcceptFailureLog {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final String where;
    private final Consumer<String> warn;
    private final long intervalNanos;
    private boolean failing;
    private long windowStartNanos;
    private long untold;
    private String lastError;

    AcceptFailureLog(String where, Consumer<String> warn, Duration interval) {
        this.where = where;
        this.warn = warn;
        this.intervalNanos = interval.toNanos();
    }

    /** An accept failed with {@code error} at {@code nowNanos}. */
    void failed(Exception error, long nowNanos) {
        lastError = error.toString();
        if (!failing) {
            failing = true;
            windowStartNanos = nowNanos;
            untold = 0;
            warn.accept("accept on " + where + " failed: " + lastError + "; retrying, and telling of further failures"
                    + " once every " + seconds(intervalNanos));
            return;
        }
        untold++;
        if (nowNanos - windowStartNanos >= intervalNanos) {
            tellUntold(nowNanos, "");
        }
    }

    /** An accept succeeded at {@code nowNanos}. */
    void succeeded(long nowNanos) {
        if (!failing) {
            return;
        }
        if (untold > 0) {
            tellUntold(nowNanos, "; accepting again");
        } else {
            warn.accept("accept on " + where + " works again");
        }
        failing = false;
    }

    private void tellUntold(long nowNanos, String tail) {
        warn.accept("accept on " + where + " failed " + untold + " more time" + (untold == 1 ? "" : "s") + " in the last "
                + seconds(nowNanos - windowStartNanos) + " (last: " + lastError + ")" + tail);
        windowStartNanos = nowNanos;
        untold = 0;
    }

    private static String seconds(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 500_000_000)) + "s";
    }
}
