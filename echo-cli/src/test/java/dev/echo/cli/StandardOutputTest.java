package dev.echo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StandardOutputTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    @Test
    void aFailedWriteTurnsSuccessIntoTheFailureCodeWithOneLine() {
        PrintStream full = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        });
        full.println("an answer nobody gets");
        assertEquals(7, StandardOutput.exitCode("tool", 0, full, errStream, 7));
        assertEquals("tool: cannot write to standard output\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(1, StandardOutput.exitCode("tool", 1, full, errStream, 7), "a failure keeps its own code");
    }

    @Test
    void anOutputThatTookEveryWriteKeepsTheCode() {
        PrintStream fine = new PrintStream(new ByteArrayOutputStream(), false, StandardCharsets.UTF_8);
        fine.println("an answer");
        assertEquals(0, StandardOutput.exitCode("tool", 0, fine, errStream, 7));
        assertEquals(3, StandardOutput.exitCode("tool", 3, fine, errStream, 7));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
