package dev.echo.bench.netty;

import java.io.IOException;
import java.io.PrintStream;
import dev.echo.bench.Help;
import dev.echo.bench.StopSignals;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * Runs the Netty peer: {@code java -cp echo-bench.jar dev.echo.bench.netty.NettyMain --port 0}.
 * Prints {@code netty-echo listening on HOST:PORT (transport=epoll)} once bound; SIGINT/SIGTERM
 * close it and exit 0; a bad argument is one line on stderr and exit 2.
 */
public final class NettyMain {
    private NettyMain() {}

    static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("host").hasArg().argName("ADDR")
                .desc("address to listen on (default 127.0.0.1)").get());
        options.addOption(Option.builder().longOpt("port").hasArg().argName("PORT")
                .desc("port, 0 = any free port (default 8081)").get());
        options.addOption(Option.builder().longOpt("max-frame-bytes").hasArg().argName("N")
                .desc("largest accepted frame (default 4194304)").get());
        options.addOption(Option.builder().longOpt("workers").hasArg().argName("N")
                .desc("event loop threads, 0 = Netty's default of 2 x cores (default 0)").get());
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return options;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options = options();
        NettyEchoServer server;
        try {
            CommandLine cl = new DefaultParser().parse(options, args);
            if (cl.hasOption("help")) {
                out.print(Help.text("netty-echo [options]", "The Netty 4.2 peer server: the same protocol (delimited"
                        + " framing) and answers as echo-server.", options, ""));
                return 0;
            }
            if (!cl.getArgList().isEmpty()) {
                throw new ParseException("unexpected argument: " + cl.getArgList().get(0));
            }
            server = new NettyEchoServer(cl.getOptionValue("host", "127.0.0.1"),
                    intOption(cl, "port", 8081), intOption(cl, "max-frame-bytes", 4 * 1024 * 1024),
                    intOption(cl, "workers", 0));
        } catch (ParseException | IllegalArgumentException e) {
            err.println("netty-echo: " + e.getMessage());
            return 2;
        }
        try {
            server.start();
        } catch (IOException e) {
            err.println("netty-echo: " + e.getMessage());
            return 2;
        }
        out.println("netty-echo listening on " + server.host() + ":" + server.port()
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
        out.println("netty-echo stopped");
        return 0;
    }

    private static int intOption(CommandLine cl, String name, int defaultValue) throws ParseException {
        String text = cl.getOptionValue(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new ParseException("--" + name + " must be an integer: " + text);
        }
    }
}
