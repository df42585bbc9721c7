package dev.echo.bench.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.LoadMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Netty peer's command line, reached as echo-load's netty-server subcommand. */
class NettyMainTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LoadMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpNamesTheSubcommandAndShowsEveryDefault() {
        Run run = run("netty-server", "--help");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("usage: echo-load netty-server [options]\n"), run.out());
        for (String expected : new String[] {"-H, --host HOST", "(default: 127.0.0.1)", "-p, --port PORT", "(default: 8081)",
                "--max-frame-bytes N", "(default: 4194304)", "--workers N", "(default: 0)", "-V, --version"}) {
            assertTrue(run.out().contains(expected), "expected '" + expected + "' in:\n" + run.out());
        }
        assertTrue(run("netty-server", "-V").out().startsWith("echo-load netty-server "), "expected the version line");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port abc      | echo-load netty-server: invalid --port 'abc': expected a whole number from 0 to 65535",
        "--port          | echo-load netty-server: --port needs a value: expected a whole number from 0 to 65535",
        "--workers -1    | echo-load netty-server: invalid --workers '-1': expected a whole number of at least 0",
        "extra           | echo-load netty-server: unexpected argument 'extra' (try --help)",
    })
    void mistakesAreOneLineAndExitTwo(String line, String message) {
        String[] words = ("netty-server " + line.trim()).split(" +");
        Run run = run(words);
        assertEquals(2, run.exit(), run.toString());
        assertEquals(message, run.err().strip());
    }
}
