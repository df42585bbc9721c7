package dev.echo.server;

import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOptions;
import dev.echo.cli.UsageException;
import dev.echo.cli.ValueType;
import dev.echo.core.Durations;
import dev.echo.core.Framing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's command line, on the toolkit's one command-line layer: these definitions drive
 * parsing, {@code --help}, the {@code ECHO_*} environment variables and the README's option table,
 * and every default shown is the one in {@link ServerConfig}.
 */
final class CommandLineOptions {
    static final String NAME = "echo-server";
    static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

    /** What a command line asks for; {@code statsInterval} is null when off. */
    record Parsed(boolean help, boolean version, ServerConfig config, Duration statsInterval, String logLevel) {}

    static final CliOption<String> HOST = StandardOptions.host("address to listen on; 0.0.0.0 = every interface",
            ServerConfig.DEFAULT_HOST);
    static final CliOption<Integer> PORT = StandardOptions.port("TCP port; 0 = any free port, which the listening line"
            + " then shows", ServerConfig.DEFAULT_PORT);
    static final CliOption<Framing> FRAMING = StandardOptions.framing("varint length prefix, or the original Rust"
            + " server's raw messages");
    static final CliOption<Long> MAX_FRAME_BYTES = CliOption.value("max-frame-bytes", "N",
            ValueType.longRange(1, ServerConfig.MAX_FRAME_BYTES_LIMIT), "longest frame, at most "
                    + ServerConfig.MAX_FRAME_BYTES_LIMIT + " (256 MiB); a longer declared length gets FRAME_TOO_LARGE"
                    + " and a close").defaultValue(Integer.toString(ServerConfig.DEFAULT_MAX_FRAME_BYTES));
    static final CliOption<Long> MAX_BUFFERED_BYTES = CliOption.value("max-buffered-bytes", "N",
            ValueType.longRange(1, Long.MAX_VALUE), "bytes all connections' buffers may hold beyond their first 512"
                    + " each, at least --max-frame-bytes; a frame that would need more gets SERVER_BUSY and a close")
            .defaultLabel("heap / 8, at least --max-frame-bytes");
    static final CliOption<Integer> MAX_CONNECTIONS = CliOption.value("max-connections", "N",
            ValueType.intRange(1, Integer.MAX_VALUE), "one more client gets SERVER_BUSY and is closed")
            .defaultValue(Integer.toString(ServerConfig.DEFAULT_MAX_CONNECTIONS));
    static final CliOption<Duration> IDLE_TIMEOUT = CliOption.value("idle-timeout", "DURATION",
            ValueType.positiveDuration(), "a connection must complete each next frame in time (silent or"
                    + " trickling), and take each piece of its answers in time (a client that stops reading)")
            .defaultValue(Durations.format(ServerConfig.DEFAULT_IDLE_TIMEOUT));
    static final CliOption<ThreadMode> THREADS = CliOption.value("threads", "virtual|platform[:N]",
            ValueType.of(ThreadMode.FORMS, ThreadMode::parse),
            "a virtual thread per connection, or a pool of N platform threads (platform = "
                    + ThreadMode.DEFAULT_PLATFORM_THREADS + ")").defaultValue("virtual");
    static final CliOption<Duration> GRACE = CliOption.value("grace", "DURATION", ValueType.duration(),
            "on shutdown, how long requests in progress may finish")
            .defaultValue(Durations.format(ServerConfig.DEFAULT_SHUTDOWN_GRACE));
    static final CliOption<Duration> STATS_INTERVAL = CliOption.value("stats-interval", "DURATION", ValueType.duration(),
            "log a one-line counter snapshot this often; 0 = off").defaultValue("0").defaultLabel("off");
    static final CliOption<Integer> METRICS_PORT = CliOption.value("metrics-port", "PORT", ValueType.port(),
            "serve Prometheus metrics at http://METRICS-HOST:PORT/metrics and health at /healthz (200 while"
                    + " accepting, 503 once stopping); 0 = any free port").defaultLabel("off");
    static final CliOption<String> METRICS_HOST = CliOption.value("metrics-host", "HOST", ValueType.text(),
            "address the metrics endpoint listens on").defaultValue(ServerConfig.DEFAULT_METRICS_HOST);
    static final CliOption<String> LOG_LEVEL = CliOption.value("log-level", "LEVEL", ValueType.oneOf(LOG_LEVELS),
            String.join(", ", LOG_LEVELS) + " (logs go to stderr)").defaultValue("info");

    static final CliOption<String> TLS_CERT = CliOption.value("tls-cert", "FILE", ValueType.text(),
            "PEM certificate chain (server first): turns TLS on; the listener then serves TLS only");
    static final CliOption<String> TLS_KEY = CliOption.value("tls-key", "FILE", ValueType.text(),
            "PEM private key of --tls-cert: PKCS#8, PKCS#1 (RSA) or SEC1 (EC)");
    static final CliOption<String> TLS_CLIENT_CA = CliOption.value("tls-client-ca", "FILE", ValueType.text(),
            "PEM bundle of the CAs whose client certificates are accepted (mutual TLS)");
    static final CliOption<String> TLS_CLIENT_AUTH = CliOption.value("tls-client-auth", "none|optional|require",
            ValueType.oneOf(List.of("none", "optional", "require")), "ask clients for a certificate; require is the"
                    + " default with --tls-client-ca").defaultLabel("require with a client CA, else none");
    static final CliOption<List<String>> TLS_PROTOCOLS = CliOption.value("tls-protocols", "LIST",
            ValueType.of("a comma-separated list of " + String.join(", ", ServerTls.SUPPORTED_PROTOCOLS),
                    CommandLineOptions::protocols),
            "protocol versions offered, comma-separated, of " + String.join(",", ServerTls.SUPPORTED_PROTOCOLS))
            .defaultValue(String.join(",", ServerTls.DEFAULT_PROTOCOLS));
    static final CliOption<Duration> TLS_HANDSHAKE_TIMEOUT = CliOption.value("tls-handshake-timeout", "DURATION",
            ValueType.positiveDuration(), "a new connection must complete its handshake in time, or it is closed")
            .defaultValue(Durations.format(ServerTls.DEFAULT_HANDSHAKE_TIMEOUT));
    static final CliOption<Duration> TLS_RELOAD_INTERVAL = CliOption.value("tls-reload-interval", "DURATION",
            ValueType.duration(), "check the TLS files for changes this often (a change is loaded once two checks"
                    + " agree); 0 = never").defaultValue(Durations.format(ServerTls.DEFAULT_RELOAD_CHECK_INTERVAL));

    static final CommandSpec SPEC = CommandSpec.builder(NAME)
            .header("Serves echo and add requests over TCP (protobuf). Ctrl-C, SIGTERM or SIGHUP stops it gracefully;"
                    + " a second one during the grace period stops it at once.")
            .group("Listening", HOST, PORT, FRAMING)
            .group("Limits", MAX_FRAME_BYTES, MAX_BUFFERED_BYTES, MAX_CONNECTIONS, IDLE_TIMEOUT)
            .group("TLS", TLS_CERT, TLS_KEY, TLS_CLIENT_CA, TLS_CLIENT_AUTH, TLS_PROTOCOLS, TLS_HANDSHAKE_TIMEOUT,
                    TLS_RELOAD_INTERVAL)
            .group("Threads and shutdown", THREADS, GRACE)
            .group("Logging and metrics", STATS_INTERVAL, LOG_LEVEL, METRICS_PORT, METRICS_HOST)
            .environment("ECHO_")
            .footer("Durations read like 500ms, 30s, 5m, 1h (or 0).\n"
                    + "Example: " + NAME + " --port 9000 --threads platform:64 --idle-timeout 30s\n"
                    + "Exit code: 0 a graceful stop (SIGTERM, SIGINT, SIGHUP), 2 a bad argument, a port in use or TLS"
                    + " files that do not load, 128 + N a second signal N during the grace period (143, 130, 129).")
            .build();

    private CommandLineOptions() {}

    /** The TLS settings of a command line; null for clear text. */
    private static ServerTls tls(ParsedArgs line) throws UsageException {
        String cert = line.get(TLS_CERT);
        String key = line.get(TLS_KEY);
        String clientCa = line.get(TLS_CLIENT_CA);
        String clientAuth = line.get(TLS_CLIENT_AUTH);
        if (cert == null && key == null) {
            for (CliOption<?> option : List.of(TLS_CLIENT_CA, TLS_CLIENT_AUTH, TLS_PROTOCOLS, TLS_HANDSHAKE_TIMEOUT,
                    TLS_RELOAD_INTERVAL)) {
                if (line.isGiven(option)) { // else a listener the user believes limited to TLSv1.3 serves clear text
                    throw new UsageException("--" + option.longName() + " needs --tls-cert and --tls-key");
                }
            }
            return null;
        }
        if (cert == null || key == null) {
            throw new UsageException("--tls-cert and --tls-key go together: --" + (cert == null ? "tls-key" : "tls-cert")
                    + " is given alone");
        }
        ServerTls.Builder tls = ServerTls.builder(Path.of(cert), Path.of(key))
                .clientCa(clientCa == null ? null : Path.of(clientCa))
                .handshakeTimeout(line.get(TLS_HANDSHAKE_TIMEOUT))
                .reloadCheckInterval(line.get(TLS_RELOAD_INTERVAL));
        if (clientAuth != null) {
            ServerTls.ClientAuth auth = ServerTls.ClientAuth.valueOf(clientAuth.toUpperCase(Locale.ROOT));
            if (auth != ServerTls.ClientAuth.NONE && clientCa == null) {
                throw new UsageException("--tls-client-auth " + clientAuth + " needs --tls-client-ca FILE");
            }
            tls.clientAuth(auth);
        }
        return tls.protocols(line.get(TLS_PROTOCOLS)).build();
    }

    /** {@code TLSv1.3,TLSv1.2} as a list, each a {@link ServerTls#SUPPORTED_PROTOCOLS supported} version. */
    private static List<String> protocols(String text) {
        List<String> protocols = new ArrayList<>();
        for (String protocol : text.split(",", -1)) {
            String name = protocol.strip();
            if (!ServerTls.SUPPORTED_PROTOCOLS.contains(name)) {
                throw new IllegalArgumentException("unsupported TLS protocol version: " + name);
            }
            protocols.add(name);
        }
        return List.copyOf(protocols);
    }

    /**
     * The buffer budget: {@code given}, or else {@code defaultBudget} raised to {@code maxFrameBytes},
     * so that one frame of the allowed size always fits (a small heap's eighth would refuse them all).
     *
     * @throws UsageException if {@code given} is below {@code maxFrameBytes}: no frame of that size could be read
     */
    static long bufferBudget(Long given, long maxFrameBytes, long defaultBudget) throws UsageException {
        if (given == null) {
            return Math.max(defaultBudget, maxFrameBytes);
        }
        if (given < maxFrameBytes) {
            throw UsageException.invalid(MAX_BUFFERED_BYTES, Long.toString(given), "at least --max-frame-bytes ("
                    + maxFrameBytes + "), or no frame of that size could ever be read");
        }
        return given;
    }

    /**
     * Reads a command line, options missing from it taken from {@code environment}.
     *
     * @throws UsageException with one line that says what is wrong
     */
    static Parsed parse(String[] args, Map<String, String> environment) throws UsageException {
        ParsedArgs line = SPEC.parse(args, environment);
        if (line.help() || line.version()) {
            return new Parsed(line.help(), line.version(), null, null, "info");
        }
        if (!line.arguments().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.arguments().get(0) + "' (try --help)");
        }
        ServerConfig.Builder config = ServerConfig.builder()
                .host(line.get(HOST))
                .port(line.get(PORT))
                .framing(line.get(FRAMING))
                .maxFrameBytes(line.get(MAX_FRAME_BYTES).intValue())
                .maxConnections(line.get(MAX_CONNECTIONS))
                .idleTimeout(line.get(IDLE_TIMEOUT))
                .shutdownGrace(line.get(GRACE))
                .threadMode(line.get(THREADS));
        config.maxBufferedBytes(bufferBudget(line.get(MAX_BUFFERED_BYTES), line.get(MAX_FRAME_BYTES),
                ServerConfig.defaultMaxBufferedBytes()));
        if (line.get(METRICS_PORT) != null) {
            config.metricsPort(line.get(METRICS_PORT));
        }
        config.metricsHost(line.get(METRICS_HOST));
        config.tls(tls(line));
        Duration statsInterval = line.get(STATS_INTERVAL);
        return new Parsed(false, false, config.build(), statsInterval.isZero() ? null : statsInterval,
                line.get(LOG_LEVEL));
    }
}
