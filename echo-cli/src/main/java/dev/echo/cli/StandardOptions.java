package dev.echo.cli;

import dev.echo.core.Framing;

/**
 * The options several tools share, spelled the same in every one of them: {@code -H/--host},
 * {@code -p/--port}, {@code --framing}. Each tool says what they mean for it.
 */
public final class StandardOptions {
    private StandardOptions() {}

    /** {@code -H, --host HOST}. */
    public static CliOption<String> host(String description, String defaultValue) {
        return CliOption.value("host", "HOST", ValueType.text(), description).shortName("H").defaultValue(defaultValue);
    }

    /** {@code -p, --port PORT}, 0 to 65535. */
    public static CliOption<Integer> port(String description, int defaultValue) {
        return CliOption.value("port", "PORT", ValueType.port(), description).shortName("p")
                .defaultValue(Integer.toString(defaultValue));
    }

    /** {@code -p, --port PORT} of a server to connect to, 1 to 65535. */
    public static CliOption<Integer> serverPort(String description, int defaultValue) {
        return CliOption.value("port", "PORT", ValueType.intRange(1, 65_535), description).shortName("p")
                .defaultValue(Integer.toString(defaultValue));
    }

    /** {@code --framing delimited|raw}, default delimited. */
    public static CliOption<Framing> framing(String description) {
        return CliOption.value("framing", "delimited|raw", ValueType.framing(), description)
                .defaultValue(Framing.DELIMITED.cliName());
    }
}
