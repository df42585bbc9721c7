package dev.echo.client.shell;

import dev.echo.cli.CliOption;
import dev.echo.cli.ClientTlsOptions;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOptions;
import dev.echo.cli.ValueType;
import dev.echo.client.ClientConfig;
import dev.echo.core.Durations;
import dev.echo.core.Framing;
import dev.echo.core.tls.ClientTls;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The shell's command-line options, on the toolkit's one command-line layer: {@link #SPEC} drives
 * both parsing and {@code --help}. Parsing stops at the first word that is not an option, so a
 * one-shot command such as {@code add -5 3} keeps its negative numbers.
 *
 * @param config where to connect
 * @param command the one-shot command's words; empty for the shell or a script
 * @param help {@code --help} was given
 * @param version {@code --version} was given
 * @param timings whether to print round-trip times after answers
 * @param json print each answer as a JSON object
 */
record ClientOptions(ClientConfig config, List<String> command, boolean help, boolean version, Timings timings,
        boolean json) {

    /** {@code --timing}, {@code --no-timing}, or neither: then only on a terminal. */
    enum Timings {
        ON_A_TERMINAL, ALWAYS, NEVER;

        /** Whether to print times when standard output {@code toTerminal} or not. */
        boolean on(boolean toTerminal) {
            return this == ALWAYS || this == ON_A_TERMINAL && toTerminal;
        }
    }

    static final CliOption<String> HOST = StandardOptions.host("server host", ClientConfig.DEFAULT_HOST);
    static final CliOption<Integer> PORT = StandardOptions.serverPort("server port", ClientConfig.DEFAULT_PORT);
    static final CliOption<Framing> FRAMING = StandardOptions.framing("wire framing");
    static final CliOption<Duration> CONNECT_TIMEOUT = CliOption.value("connect-timeout", "DURATION", ValueType.duration(),
            "how long to wait for a connection, and then for a TLS handshake; 0 = no limit for the connection"
                    + " (a handshake still gets " + Durations.format(ClientConfig.UNLIMITED_CONNECT_HANDSHAKE_TIMEOUT) + ")")
            .defaultValue(Durations.format(ClientConfig.DEFAULT_CONNECT_TIMEOUT));
    static final CliOption<Duration> TIMEOUT = CliOption.value("timeout", "DURATION", ValueType.duration(),
            "how long to wait for each answer; 0 = no limit").defaultValue(Durations.format(ClientConfig.DEFAULT_READ_TIMEOUT));
    static final CliOption<Boolean> TIMING = CliOption.flag("timing", "print each answer's round-trip time")
            .defaultLabel("only when stdout is a terminal");
    static final CliOption<Boolean> NO_TIMING = CliOption.flag("no-timing", "print answers without their round-trip times");
    static final CliOption<Boolean> JSON = CliOption.flag("json",
            "print each answer as one JSON object per line: request, answer (or error), micros");

    static final CommandSpec SPEC = CommandSpec.builder("echo-client")
            .usage("echo-client [options] [echo <text> | add <a> <b> | repeat <n> ...]")
            .header("Talks to an echo server. With a command: runs it and exits (0 ok, 1 error answer, 2 usage or"
                    + " connection error). Without: a shell on a terminal, else one command per line from stdin.")
            .group("Server", HOST, PORT, FRAMING, CONNECT_TIMEOUT, TIMEOUT)
            .group("TLS", ClientTlsOptions.ALL)
            .group("Output", TIMING, NO_TIMING, JSON)
            .stopAtFirstArgument()
            .footer("Durations read like 500ms, 5s, 2m (or 0).\n"
                    + "Shell commands: echo, add, repeat, connect, disconnect, status, help, quit.")
            .build();

    /**
     * @throws UsageException naming the bad option or value
     */
    static ClientOptions parse(String[] args) throws UsageException {
        ParsedArgs line;
        try {
            line = SPEC.parse(args, Map.of());
        } catch (dev.echo.cli.UsageException e) {
            throw new UsageException(e.getMessage()); // the shell's own type, which its commands' mistakes share
        }
        List<String> command = line.arguments();
        if (line.help() || line.version()) {
            return new ClientOptions(ClientConfig.builder().build(), command, line.help(), line.version(),
                    Timings.ON_A_TERMINAL, false);
        }
        if (!command.isEmpty() && command.get(0).startsWith("-")) {
            throw new UsageException("unknown option '" + command.get(0) + "' (try --help)");
        }
        if (line.get(TIMING) && line.get(NO_TIMING)) {
            throw new UsageException("--timing and --no-timing contradict each other: give one");
        }
        ClientTls tls;
        try {
            tls = ClientTlsOptions.clientTls(SPEC, line, System.err);
        } catch (dev.echo.cli.UsageException e) {
            throw new UsageException(e.getMessage());
        }
        ClientConfig config = ClientConfig.builder().host(line.get(HOST)).port(line.get(PORT)).framing(line.get(FRAMING))
                .connectTimeout(line.get(CONNECT_TIMEOUT)).readTimeout(line.get(TIMEOUT)).tls(tls).build();
        Timings timings = line.get(TIMING) ? Timings.ALWAYS : line.get(NO_TIMING) ? Timings.NEVER : Timings.ON_A_TERMINAL;
        return new ClientOptions(config, command, false, false, timings, line.get(JSON));
    }
}
