package dev.echo.bench;

import dev.echo.cli.OutputFiles;
import dev.echo.cli.UsageException;
import dev.echo.bench.load.GeneratorLog;
import dev.echo.bench.load.MergedLogs;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/echo-load merge FILE...}: the logs of several generators ({@code echo-load run --hdr-log FILE
 * --tag NAME} on each machine) as one run: the exact percentiles of every request (the histograms added),
 * the totals added, one line per generator. Exit code 0 when every request of every generator was
 * verified, 1 when not, 2 for a mistake on the command line or a file that is missing or not a whole log.
 */
public final class MergeMain {
    private MergeMain() {}

    static final CliOption<Boolean> JSON = CliOption.flag("json", "print the result as JSON instead of the table");

    static final CommandSpec SPEC = CommandSpec.builder("echo-load merge")
            .usage("echo-load merge [--json] FILE...")
            .header("Adds the HdrHistogram logs of generators that loaded one server together (echo-load run"
                    + " --hdr-log FILE --tag NAME on each machine): the percentiles of every request, not an"
                    + " average of percentiles, the totals added, and one line per generator.")
            .group("Output", JSON)
            .footer("Example: echo-load merge gen-*.hlog\n"
                    + "Exit code: 0 every request verified, 1 any generator saw a failure, 2 a bad argument or a"
                    + " file that is not a whole echo-load log.")
            .build();

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExitCodes.run(SPEC.name(), err, () -> {
            ParsedArgs line = CliValues.parse(SPEC, args);
            if (SPEC.printedHelpOrVersion(line, out)) {
                return ExitCodes.OK;
            }
            MergedLogs merged = merge(line.arguments());
            out.print(line.get(JSON) ? merged.report().toJson() : merged.summary() + "\n");
            out.flush();
            return merged.clean() ? ExitCodes.OK : ExitCodes.FAILED;
        });
    }

    /** The logs named, read and merged; a missing, unreadable or partial file is the one-line UsageException. */
    static MergedLogs merge(List<String> files) throws UsageException {
        if (files.isEmpty()) {
            throw new UsageException("expected one or more logs of echo-load run --hdr-log (try --help)");
        }
        List<GeneratorLog> logs = new ArrayList<>();
        for (String file : files) {
            try {
                logs.add(GeneratorLog.read(Path.of(file)));
            } catch (InvalidPathException e) {
                throw new UsageException("cannot merge '" + file + "': not a path (" + e.getReason() + ")");
            } catch (IOException e) {
                throw new UsageException("cannot merge '" + file + "': " + OutputFiles.reason(e));
            }
        }
        try {
            return MergedLogs.of(logs);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
