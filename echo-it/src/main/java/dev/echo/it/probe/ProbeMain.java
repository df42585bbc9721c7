package dev.echo.it.probe;

import dev.echo.cli.CommandSpec;
import dev.echo.cli.OutputFiles;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOutput;
import dev.echo.cli.UsageException;
import dev.echo.core.HostPort;
import dev.echo.it.replica.OriginalReplica;
import dev.echo.it.replica.Replica;
import dev.echo.it.replica.SolutionReplica;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/echo-probe}: {@code echo-probe HOST:PORT [options]} probes a server and exits 0 when
 * no check failed, 1 when one did, 2 for a usage error or an unreachable target; {@code echo-probe
 * replica --design D} runs a replica of one of the original server's designs until it ends or is
 * killed.
 */
public final class ProbeMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = CommandSpec.EXIT_USAGE;

    private ProbeMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return StandardOutput.exitCode(ProbeCommandLine.NAME, dispatch(args, out, err), out, err, EXIT_USAGE);
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err) {
        boolean replica = args.length > 0 && args[0].equals("replica");
        CommandSpec spec = replica ? ProbeCommandLine.REPLICA : ProbeCommandLine.PROBE;
        try {
            ParsedArgs line = spec.parse(replica ? Arrays.copyOfRange(args, 1, args.length) : args, System.getenv());
            if (spec.printedHelpOrVersion(line, out)) {
                return EXIT_OK;
            }
            return replica ? replica(ProbeCommandLine.replicaArgs(line), out, err)
                    : probe(ProbeCommandLine.probeArgs(line, err), out, err);
        } catch (UsageException e) {
            return spec.usageError(err, e);
        }
    }

    private static int probe(ProbeCommandLine.ProbeArgs parsed, PrintStream out, PrintStream err) {
        ProbeConfig config = parsed.config();
        try {
            ProbeConnection.open(config).close();
        } catch (TargetUnreachableException e) {
            err.println(ProbeCommandLine.NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        PrintStream lines = "-".equals(parsed.json()) ? err : out;
        lines.println(ProbeCommandLine.NAME + ": probing " + config.address() + " (framing=" + config.framing().cliName()
                + ", timeout=" + Probe.format(config.timeout())
                + (config.tls().enabled() ? ", " + config.tls() : "") + ")");
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
                    err.println(ProbeCommandLine.NAME + ": cannot write --json " + parsed.json() + ": " + OutputFiles.reason(e));
                    return EXIT_USAGE;
                }
            }
        }
        return report.failed() > 0 ? EXIT_FAILED : EXIT_OK;
    }

    private static int replica(ProbeCommandLine.ReplicaArgs parsed, PrintStream out, PrintStream err) {
        Replica replica;
        try {
            replica = parsed.design().start(parsed.host(), parsed.port());
        } catch (IOException e) {
            err.println(ProbeCommandLine.NAME + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        String name = "replica (" + parsed.design().cliName() + ")";
        out.println(name + " listening on " + HostPort.of(replica.host(), replica.port()));
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
}
