package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.cli.ReadmeTables;
import dev.echo.client.ClientConfig;
import dev.echo.core.Framing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientOptionsTest {

    @Test
    void defaultsAreTheServersDefaults() throws UsageException {
        ClientOptions options = ClientOptions.parse(new String[0]);
        assertEquals(ClientConfig.builder().build(), options.config(), "no options: the ClientConfig defaults");
        assertEquals("127.0.0.1:8080", options.config().endpoint(), "default endpoint as the server's");
        assertEquals(Framing.DELIMITED, options.config().framing(), "default framing as the server's");
        assertTrue(options.command().isEmpty(), "no command: shell or script");
        assertEquals(ClientOptions.Timings.ON_A_TERMINAL, options.timings(), "timings only on a terminal by default");
        assertFalse(options.json(), "text answers by default");
    }

    @Test
    void everyOptionIsApplied() throws UsageException {
        ClientOptions options = ClientOptions.parse(new String[] {"--host", "localhost", "--port", "9000",
                "--framing", "RAW", "--connect-timeout", "250ms", "--timeout", "2m", "--no-timing", "add", "-5", "3"});
        assertEquals(ClientConfig.builder().host("localhost").port(9000).framing(Framing.RAW)
                .connectTimeout(Duration.ofMillis(250)).readTimeout(Duration.ofMinutes(2)).build(),
                options.config(), "each option reaches the config");
        assertEquals(List.of("add", "-5", "3"), options.command(), "a negative number after the command is not an option");
        assertEquals(ClientOptions.Timings.NEVER, options.timings(), "--no-timing");
    }

    @Test
    void timingAndJsonOptions() throws UsageException {
        assertEquals(ClientOptions.Timings.ALWAYS, ClientOptions.parse(new String[] {"--timing"}).timings(), "--timing");
        assertTrue(ClientOptions.parse(new String[] {"--json", "echo", "hi"}).json(), "--json");
        assertTrue(ClientOptions.Timings.ALWAYS.on(false) && !ClientOptions.Timings.NEVER.on(true)
                && ClientOptions.Timings.ON_A_TERMINAL.on(true) && !ClientOptions.Timings.ON_A_TERMINAL.on(false),
                "forced either way, else only on a terminal");
        UsageException both = assertThrows(UsageException.class,
                () -> ClientOptions.parse(new String[] {"--timing", "--no-timing"}), "contradicting options");
        assertTrue(both.getMessage().contains("timing"), "names the options: " + both.getMessage());
    }

    @Test
    void durationsAcceptTheUsualForms() throws UsageException {
        assertEquals(Duration.ofSeconds(7), ClientOptions.parse(new String[] {"--timeout", "7s"}).config().readTimeout());
        assertEquals(Duration.ofMillis(1500), ClientOptions.parse(new String[] {"--timeout", "1500ms"}).config().readTimeout());
        assertEquals(Duration.ZERO, ClientOptions.parse(new String[] {"--connect-timeout", "0"}).config().connectTimeout(),
                "zero = no limit");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port 70000     | invalid --port '70000': expected a whole number from 1 to 65535",
        "-p eighty        | invalid --port 'eighty': expected a whole number from 1 to 65535",
        "--port           | --port needs a value: expected a whole number from 1 to 65535",
        "--framing json   | invalid --framing 'json': expected delimited or raw",
        "--timeout 7      | invalid --timeout '7': expected a duration like 500ms, 30s, 5m or 0",
        "--bogus          | unknown option '--bogus' (try --help)",
    })
    void mistakesAreReportedInTheToolkitsOneFormat(String line, String message) {
        assertEquals(message, assertThrows(UsageException.class, () -> ClientOptions.parse(line.trim().split(" +")))
                .getMessage());
    }

    @Test
    void helpUsesTheSharedLayoutWithHostAsDashCapitalH() throws UsageException {
        String help = ClientOptions.SPEC.help();
        assertTrue(help.lines().allMatch(l -> l.length() <= 100 && !l.endsWith(" ")), help);
        for (String expected : List.of("-H, --host HOST", "(default: 127.0.0.1)", "-p, --port PORT", "(default: 8080)",
                "--connect-timeout DURATION", "(default: 5s)", "(default: 30s)", "--timing", "--no-timing", "--json",
                "-h, --help", "-V, --version")) {
            assertTrue(help.contains(expected), "expected '" + expected + "' in:\n" + help);
        }
        assertEquals("localhost", ClientOptions.parse(new String[] {"-H", "localhost"}).config().host());
    }

    @Test
    void theReadmeTableIsTheOneTheDefinitionsMake() throws Exception {
        assertEquals(ClientOptions.SPEC.markdownTable(), ReadmeTables.table(Path.of("../README.md"), "echo-client"),
                "README.md's echo-client table differs from the options; paste the expected one");
    }
}
