package dev.echo.bench;

import dev.echo.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The exit codes every echo-load command shares, and the one place that turns a command's failure
 * into one line and its code: 0 every answer verified, 1 something failed or mismatched (or an I/O
 * failure), 2 a command-line mistake; 128 + N when signal N (SIGINT: 130) cut a run short.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {}

    /** A command's work: returns its exit code, or fails with one of the exceptions {@link #run} maps. */
    @FunctionalInterface
    public interface Work {
        int run() throws UsageException, IOException, InterruptedException;
    }

    /**
     * Runs {@code work}; a {@link UsageException} becomes exit 2, an IOException or an interrupt exit 1,
     * each with one line {@code TOOL: message} on {@code err} and no stack trace.
     */
    public static int run(String tool, PrintStream err, Work work) {
        try {
            return work.run();
        } catch (UsageException e) {
            err.println(tool + ": " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println(tool + ": " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(tool + ": interrupted");
            return FAILED;
        }
    }

    /** 128 + the signal's number, the shells' convention for a process ended by a signal. */
    public static int signalled(int signalNumber) {
        return 128 + signalNumber;
    }
}
