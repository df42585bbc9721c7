package dev.echo.server;

import dev.echo.core.Durations;
import dev.echo.core.Framing;
import java.io.PrintStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * The server's command line: one commons-cli {@link Options} drives both parsing and {@code --help},
 * and every default shown there is the one in {@link ServerConfig}.
 */
final class CommandLineOptions {
    static final String NAME = "echo-server";
    static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

    /** What a command line asks for. */
    record Parsed(boolean help, boolean version, ServerConfig config, Duration statsInterval, String logLevel) {}

    private static final Option HOST = Option.builder().longOpt("host").hasArg().argName("HOST")
            .desc("address to listen on (default: " + ServerConfig.DEFAULT_HOST + "; 0.0.0.0 = every interface)").get();
    private static final Option PORT = Option.builder("p").longOpt("port").hasArg().argName("PORT")
            .desc("TCP port, 0 = any free port (default: " + ServerConfig.DEFAULT_PORT + ")").get();
    private static final Option FRAMING = Option.builder().longOpt("framing").hasArg().argName("delimited|raw")
            .desc("message framing: varint length prefix, or the original server's raw messages (default: "
                    + Framing.DELIMITED.cliName() + ")").get();
    private static final Option MAX_FRAME_BYTES = Option.builder().longOpt("max-frame-bytes").hasArg().argName("N")
            .desc("longest frame accepted, in bytes, at most " + ServerConfig.MAX_FRAME_BYTES_LIMIT + " (default: "
                    + ServerConfig.DEFAULT_MAX_FRAME_BYTES + ")").get();
    private static final Option MAX_BUFFERED_BYTES = Option.builder().longOpt("max-buffered-bytes").hasArg().argName("N")
            .desc("bytes all connections' frame buffers may hold beyond 8 KiB each; a frame that would need more gets"
                    + " SERVER_BUSY and a close (default: an eighth of the maximum heap, here "
                    + ServerConfig.defaultMaxBufferedBytes() + ")").get();
    private static final Option MAX_CONNECTIONS = Option.builder().longOpt("max-connections").hasArg().argName("N")
            .desc("connections served at once; one more gets SERVER_BUSY (default: "
                    + ServerConfig.DEFAULT_MAX_CONNECTIONS + ")").get();
    private static final Option IDLE_TIMEOUT = Option.builder().longOpt("idle-timeout").hasArg().argName("DURATION")
            .desc("close a connection that does not complete its next frame in time, like 500ms, 30s, 5m (default: "
                    + Durations.format(ServerConfig.DEFAULT_IDLE_TIMEOUT) + ")").get();
    private static final Option GRACE = Option.builder().longOpt("grace").hasArg().argName("DURATION")
            .desc("on shutdown, how long requests in progress may finish (default: "
                    + Durations.format(ServerConfig.DEFAULT_SHUTDOWN_GRACE) + ")").get();
    private static final Option THREADS = Option.builder().longOpt("threads").hasArg().argName("virtual|platform[:N]")
            .desc("a virtual thread per connection, or a pool of N platform threads (default: virtual; platform = platform:"
                    + ThreadMode.DEFAULT_PLATFORM_THREADS + ")").get();
    private static final Option STATS_INTERVAL = Option.builder().longOpt("stats-interval").hasArg().argName("DURATION")
            .desc("log a one-line snapshot of the counters this often, like 10s (default: off)").get();
    private static final Option METRICS_PORT = Option.builder().longOpt("metrics-port").hasArg().argName("PORT")
            .desc("serve Prometheus metrics at http://METRICS-HOST:PORT/metrics and health at /healthz (200 while"
                    + " accepting, 503 once stopping); 0 = any free port (default: off)").get();
    private static final Option METRICS_HOST = Option.builder().longOpt("metrics-host").hasArg().argName("HOST")
            .desc("address the metrics endpoint listens on (default: " + ServerConfig.DEFAULT_METRICS_HOST + ")").get();
    private static final Option LOG_LEVEL = Option.builder().longOpt("log-level").hasArg().argName("LEVEL")
            .desc("error, warn, info, debug or trace; logs go to stderr (default: info)").get();
    private static final Option HELP = Option.builder("h").longOpt("help").desc("print this help and exit").get();
    private static final Option VERSION = Option.builder("V").longOpt("version").desc("print the version and exit").get();

    private CommandLineOptions() {}

    static Options options() {
        Options options = new Options();
        for (Option option : List.of(HOST, PORT, FRAMING, MAX_FRAME_BYTES, MAX_BUFFERED_BYTES, MAX_CONNECTIONS, IDLE_TIMEOUT, GRACE,
                THREADS, STATS_INTERVAL, METRICS_PORT, METRICS_HOST, LOG_LEVEL, HELP, VERSION)) {
            options.addOption(option);
        }
        return options;
    }

    /**
     * Reads a command line.
     *
     * @throws IllegalArgumentException with one line that says what is wrong
     */
    static Parsed parse(String[] args) {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options(), args);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!line.getArgList().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + line.getArgList().get(0) + "'");
        }
        if (line.hasOption(HELP) || line.hasOption(VERSION)) {
            return new Parsed(line.hasOption(HELP), line.hasOption(VERSION), null, null, "info");
        }
        ServerConfig.Builder config = ServerConfig.builder();
        if (line.hasOption(HOST)) {
            config.host(line.getOptionValue(HOST));
        }
        if (line.hasOption(PORT)) {
            config.port(intValue(line, PORT, 0, 65_535));
        }
        if (line.hasOption(FRAMING)) {
            config.framing(Framing.fromCliName(line.getOptionValue(FRAMING)));
        }
        if (line.hasOption(MAX_FRAME_BYTES)) {
            config.maxFrameBytes((int) longValue(line, MAX_FRAME_BYTES, 1, ServerConfig.MAX_FRAME_BYTES_LIMIT));
        }
        if (line.hasOption(MAX_BUFFERED_BYTES)) {
            config.maxBufferedBytes(longValue(line, MAX_BUFFERED_BYTES, 1, Long.MAX_VALUE));
        }
        if (line.hasOption(MAX_CONNECTIONS)) {
            config.maxConnections(intValue(line, MAX_CONNECTIONS, 1, Integer.MAX_VALUE));
        }
        if (line.hasOption(IDLE_TIMEOUT)) {
            config.idleTimeout(positiveDuration(line, IDLE_TIMEOUT));
        }
        if (line.hasOption(GRACE)) {
            config.shutdownGrace(duration(line, GRACE));
        }
        if (line.hasOption(THREADS)) {
            config.threadMode(ThreadMode.parse(line.getOptionValue(THREADS)));
        }
        if (line.hasOption(METRICS_PORT)) {
            config.metricsPort(intValue(line, METRICS_PORT, 0, 65_535));
        }
        if (line.hasOption(METRICS_HOST)) {
            config.metricsHost(line.getOptionValue(METRICS_HOST));
        }
        Duration statsInterval = line.hasOption(STATS_INTERVAL) ? positiveDuration(line, STATS_INTERVAL) : null;
        String logLevel = line.getOptionValue(LOG_LEVEL, "info").toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException("invalid --log-level '" + line.getOptionValue(LOG_LEVEL)
                    + "': expected one of " + String.join(", ", LOG_LEVELS));
        }
        return new Parsed(false, false, config.build(), statsInterval, logLevel);
    }

    static void printHelp(PrintStream out) {
        TextHelpAppendable text = new TextHelpAppendable(out);
        text.setMaxWidth(100);
        HelpFormatter help = HelpFormatter.builder().setHelpAppendable(text).setShowSince(false).get();
        try {
            help.printHelp(NAME + " [options]", "Serves echo and add requests over TCP (protobuf). Ctrl-C stops it gracefully.",
                    options(), "Example: " + NAME + " --port 9000 --threads platform:64 --idle-timeout 30s", false);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a PrintStream does not throw
        }
        out.flush();
    }

    private static int intValue(CommandLine line, Option option, int min, int max) {
        return (int) longValue(line, option, min, max);
    }

    private static long longValue(CommandLine line, Option option, long min, long max) {
        String text = line.getOptionValue(option);
        if (text.trim().matches("-?\\d{1,18}")) {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw new IllegalArgumentException("invalid --" + option.getLongOpt() + " '" + text + "': expected a whole number from "
                + min + " to " + max);
    }

    private static Duration duration(CommandLine line, Option option) {
        try {
            return Durations.parse(line.getOptionValue(option));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + option.getLongOpt() + ": " + e.getMessage(), e);
        }
    }

    private static Duration positiveDuration(CommandLine line, Option option) {
        Duration value = duration(line, option);
        if (value.isZero()) {
            throw new IllegalArgumentException("invalid --" + option.getLongOpt() + " '" + line.getOptionValue(option)
                    + "': must be more than zero");
        }
        return value;
    }
}
