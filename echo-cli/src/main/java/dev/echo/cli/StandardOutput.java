package dev.echo.cli;

import java.io.PrintStream;

/**
 * Whether a tool's standard output took what the tool printed. A {@link PrintStream} keeps its write
 * errors to itself (a full disk, a closed pipe), so a tool whose answers went into {@code /dev/full}
 * exited 0, and a script took the empty output for a result.
 */
public final class StandardOutput {
    private StandardOutput() {}

    /**
     * The code a tool exits with: {@code code} while {@code out} took every write; after a failed write,
     * one line on {@code err} and {@code failedCode} in place of a success (a failure's own code stays).
     */
    public static int exitCode(String tool, int code, PrintStream out, PrintStream err, int failedCode) {
        if (!out.checkError()) { // checkError flushes first
            return code;
        }
        err.println(tool + ": cannot write to standard output");
        return code == CommandSpec.EXIT_OK ? failedCode : code;
    }
}
