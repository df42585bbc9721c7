package dev.echo.bench.netty;

import dev.echo.bench.StopSignals;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOptions;
import dev.echo.cli.UsageException;
import dev.echo.cli.ValueType;
import dev.echo.core.HostPort;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the Netty peer: {@code echo-load netty-server --port 0}, or {@code java -cp echo-bench.jar
 * dev.echo.bench.netty.NettyMain --port 0}. Prints {@code echo-load netty-server listening on
 * HOST:PORT (transport=epoll)} once bound; SIGINT/SIGTERM close it and exit 0; a bad argument is one
 * line on stderr and exit 2.
 */
public final class NettyMain {
    static final String NAME = "echo-load netty-server";

    static final CliOption<String> HOST = StandardOptions.host("address to listen on", "127.0.0.1");
    static final CliOption<Integer> PORT = StandardOptions.port("TCP port; 0 = any free port", 8081);
    static final CliOption<Integer> MAX_FRAME_BYTES = CliOption.value("max-frame-bytes", "N",
            ValueType.intRange(1, Integer.MAX_VALUE), "longest frame accepted").defaultValue("4194304");
    static final CliOption<Integer> WORKERS = CliOption.value("workers", "N", ValueType.intRange(0, Integer.MAX_VALUE),
            "event loop threads; 0 = Netty's default of 2 x cores").defaultValue("0");

    static final CommandSpec SPEC = CommandSpec.builder(NAME)
            .header("The Netty 4.2 peer server: the same protocol (delimited framing) and answers as echo-server,"
                    + " the reference echo-load compare measures against.")
            .group("Listening", HOST, PORT)
            .group("Limits and threads", MAX_FRAME_BYTES, WORKERS)
            .footer("Example: " + NAME + " --port 0")
            .build();

    private NettyMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        NettyEchoServer server;
        try {
            ParsedArgs line = SPEC.parse(args, System.getenv());
            if (SPEC.printedHelpOrVersion(line, out)) {
                return CommandSpec.EXIT_OK;
            }
            if (!line.arguments().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.arguments().get(0) + "' (try --help)");
            }
            server = new NettyEchoServer(line.get(HOST), line.get(PORT), line.get(MAX_FRAME_BYTES), line.get(WORKERS));
        } catch (UsageException e) {
            return SPEC.usageError(err, e);
        }
        try {
            server.start();
        } catch (IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return CommandSpec.EXIT_USAGE;
        }
        out.println(NAME + " listening on " + HostPort.of(server.host(), server.port())
                + " (transport=" + server.transport() + ")");
        out.flush();
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.onTermOrInt(stopRequested::countDown);
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        out.println(NAME + " stopped");
        return CommandSpec.EXIT_OK;
    }
}
