package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.core.Framing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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
        assertEquals(Duration.ofSeconds(7), ClientOptions.duration("--timeout", "7s"), "seconds");
        assertEquals(Duration.ofMillis(1500), ClientOptions.duration("--timeout", "1500ms"), "milliseconds");
        assertEquals(Duration.ofMinutes(2), ClientOptions.duration("--timeout", "2m"), "minutes");
        assertEquals(Duration.ZERO, ClientOptions.duration("--timeout", "0"), "zero = no limit");
        UsageException bare = assertThrows(UsageException.class, () -> ClientOptions.duration("--timeout", "7"),
                "a bare number other than 0 is ambiguous, as on the server");
        assertTrue(bare.getMessage().startsWith("--timeout: invalid duration '7'"), "message: " + bare.getMessage());
    }

    @Test
    void mistakesAreUsageErrorsNamingTheValue() {
        assertTrue(assertThrows(UsageException.class, () -> ClientOptions.parse(new String[] {"--port", "70000"}))
                .getMessage().contains("70000"), "port out of range names the value");
        assertTrue(assertThrows(UsageException.class, () -> ClientOptions.parse(new String[] {"--port", "eighty"}))
                .getMessage().contains("eighty"), "port not a number names the value");
        assertTrue(assertThrows(UsageException.class, () -> ClientOptions.parse(new String[] {"--framing", "json"}))
                .getMessage().contains("json"), "unknown framing names the value");
        assertTrue(assertThrows(UsageException.class, () -> ClientOptions.parse(new String[] {"--timeout", "soon"}))
                .getMessage().contains("soon"), "bad duration names the value");
        assertTrue(assertThrows(UsageException.class, () -> ClientOptions.parse(new String[] {"--bogus"}))
                .getMessage().contains("--bogus"), "unknown option names it");
        assertThrows(UsageException.class, () -> ClientOptions.parse(new String[] {"--port"}), "missing value");
    }
}
