package dev.echo.client.shell;

/**
 * What a {@code repeat} measured.
 *
 * @param repeat the command
 * @param answered round trips answered, at most {@code repeat.count()}
 * @param cancelled stopped early by Ctrl-C
 * @param totalNanos from the first request to the last answer
 * @param meanNanos the mean round trip (0 if none)
 * @param p99Nanos the 99th percentile round trip (0 if none)
 */
record RepeatResult(Command.Repeat repeat, long answered, boolean cancelled, long totalNanos, long meanNanos,
        long p99Nanos) {

    /** {@code echo} or {@code add}. */
    String what() {
        return repeat.request() instanceof Command.Echo ? "echo" : "add";
    }
}
