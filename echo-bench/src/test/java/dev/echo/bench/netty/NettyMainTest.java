package dev.echo.bench.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.LoadMainRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Netty peer's command line, reached as echo-load's netty-server subcommand. */
class NettyMainTest {
    @Test
    void helpNamesTheSubcommandAndShowsEveryDefault() {
        LoadMainRun run = LoadMainRun.of("netty-server", "--help");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().startsWith("usage: echo-load netty-server [options]\n"), run.out());
        for (String expected : new String[] {"-H, --host HOST", "(default: 127.0.0.1)", "-p, --port PORT", "(default: 8081)",
                "--max-frame-bytes N", "(default: 4194304)", "--workers N", "(default: 0)", "-V, --version"}) {
            assertTrue(run.out().contains(expected), "expected '" + expected + "' in:\n" + run.out());
        }
        assertTrue(LoadMainRun.of("netty-server", "-V").out().startsWith("echo-load netty-server "), "expected the version line");
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
        LoadMainRun run = LoadMainRun.of(words);
        assertEquals(2, run.code(), run.toString());
        assertEquals(message, run.err().strip());
    }
}
