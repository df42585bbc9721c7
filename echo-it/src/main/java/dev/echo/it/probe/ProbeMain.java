package dev.echo.it.probe;

import dev.echo.it.replica.OriginalReplica;
import dev.echo.it.replica.Replica;
import dev.echo.it.replica.SolutionReplica;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;

/**
 * {@code bin/echo-probe}: {@code echo-probe HOST:PORT [options]} probes a server and exits 0 when
 * no check failed, 1 when one did, 2 for a usage error or an unreachable target; {@code echo-probe
 * replica --design D} runs a replica of one of the original server's designs until it ends or is
 * killed.
 */
public final class ProbeMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private ProbeMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length > 0 && args[0].equals("replica")) {
                return replica(Arrays.copyOfRange(args, 1, args.length), out, err);
            }
            return probe(args, out, err);
        } catch (IllegalArgumentException e) {
            err.println(ProbeCommandLine.NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private static int probe(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = ProbeCommandLine.parse(ProbeCommandLine.probeOptions(), args);
        if (line.hasOption("help")) {
            out.print(ProbeCommandLine.probeHelp());
            return EXIT_OK;
        }
        if (line.hasOption("version")) {
            out.println(ProbeCommandLine.NAME + " " + version());
            return EXIT_OK;
        }
        ProbeCommandLine.ProbeArgs parsed = ProbeCommandLine.probeArgs(line);
        ProbeConfig config = parsed.config();
        try {
            ProbeConnection.open(config).close();
        } catch (TargetUnreachableException e) {
            err.println(ProbeCommandLine.NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        PrintStream lines = "-".equals(parsed.json()) ? err : out;
        lines.println(ProbeCommandLine.NAME + ": probing " + config.address() + " (framing=" + config.framing().cliName()
                + ", timeout=" + Probe.format(config.timeout()) + ")");
        ProbeReport report = Probe.run(config, result -> {
            lines.println(result.line());
            lines.flush();
        });
        lines.println(report.passed() + " passed, " + report.failed() + " failed, " + report.skipped() + " skipped");
        if (parsed.json() != null) {
            if (parsed.json().equals("-")) {
                out.print(report.toJson());
                out.flush();
            } else {
                try {
                    Files.writeString(Path.of(parsed.json()), report.toJson(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println(ProbeCommandLine.NAME + ": cannot write --json " + parsed.json() + ": " + e.getMessage());
                    return EXIT_USAGE;
                }
            }
        }
        return report.failed() > 0 ? EXIT_FAILED : EXIT_OK;
    }

    private static int replica(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = ProbeCommandLine.parse(ProbeCommandLine.replicaOptions(), args);
        if (line.hasOption("help")) {
            out.print(ProbeCommandLine.replicaHelp());
            return EXIT_OK;
        }
        ProbeCommandLine.ReplicaArgs parsed = ProbeCommandLine.replicaArgs(line);
        Replica replica;
        try {
            replica = parsed.design().start(parsed.host(), parsed.port());
        } catch (IOException e) {
            err.println(ProbeCommandLine.NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        String name = "replica (" + parsed.design().cliName() + ")";
        out.println(name + " listening on " + replica.host() + ":" + replica.port());
        out.flush();
        try {
            if (replica instanceof OriginalReplica original) {
                original.awaitEnd(Long.MAX_VALUE);
                err.println(name + " stopped: a client's I/O error ended the whole server: "
                        + original.fatalError().map(Exception::getMessage).orElse("unknown"));
                return EXIT_FAILED;
            }
            new CountDownLatch(1).await(); // a solution replica serves until the process is killed
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } finally {
            if (replica instanceof SolutionReplica solution) {
                solution.stop();
            }
            replica.close();
        }
    }

    static String version() {
        try (InputStream in = ProbeMain.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
