package dev.echo.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A standard output that refuses every write, as {@code /dev/full} does: for a tool's exit-code checks. */
public final class FullOutput {
    private FullOutput() {}

    /** A PrintStream whose every write fails underneath (and so sets its {@code checkError}). */
    public static PrintStream printStream() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        }, true, StandardCharsets.UTF_8);
    }
}
