package dev.echo.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** One {@link LoadMain#run} with its output captured, for the tests of every echo-load subcommand. */
public record LoadMainRun(int code, String out, String err) {

    /** Runs {@code echo-load ARGS} as the command line does. */
    public static LoadMainRun of(String... args) {
        return of(new ByteArrayOutputStream(), null, args);
    }

    /** Runs with {@code signals} standing in for SIGINT/SIGTERM. */
    static LoadMainRun of(Consumer<IntConsumer> signals, String... args) {
        return of(new ByteArrayOutputStream(), signals, args);
    }

    /**
     * Runs with {@code signals} standing in for SIGINT/SIGTERM (null: the JVM's own), printing into
     * {@code out}, which a test may read while the run goes on.
     */
    static LoadMainRun of(ByteArrayOutputStream out, Consumer<IntConsumer> signals, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = signals == null ? LoadMain.run(args, outStream, errStream)
                : LoadMain.run(args, outStream, errStream, signals);
        return new LoadMainRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
