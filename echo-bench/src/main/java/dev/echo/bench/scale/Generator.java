package dev.echo.bench.scale;

import dev.echo.bench.load.LatencyLog;
import dev.echo.bench.load.LoadReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One load-generator process of a scale run: echo-load on its share of the connections, writing its
 * result as JSON and its latencies as an HdrHistogram log to temporary files that {@link #read()}
 * takes back. Its output goes to {@code out}, each line prefixed with its name.
 */
final class Generator {
    private final int index;
    private final Process process;
    private final Path json;
    private final Path hdrLog;

    private Generator(int index, Process process, Path json, Path hdrLog) {
        this.index = index;
        this.process = process;
        this.json = json;
        this.hdrLog = hdrLog;
    }

    /** What one generator measured, and how it exited. */
    record Measured(LoadReport report, Histogram latencyNanos, int exitCode) {}

    /** Starts generator {@code index} (from 0) against the server on {@code port}. */
    static Generator start(int index, String java, Path benchJar, int port, ScaleSettings s, PrintStream out)
            throws IOException {
        Path json = Files.createTempFile("echo-scale-" + index + "-", ".json");
        Path hdrLog = Files.createTempFile("echo-scale-" + index + "-", ".hlog");
        int share = s.share(index);
        List<String> command = List.of(java, "-cp", benchJar.toString(), "dev.echo.bench.LoadMain",
                "--port", Integer.toString(port), "--connections", Integer.toString(share),
                "--connect-rate", Double.toString(s.connectRate()), "--rate",
                Double.toString(share * s.perConnectionRate()), "--warmup", ScaleSettings.WARMUP.toMillis() + "ms",
                "--duration", s.duration().toMillis() + "ms", "--timeout", "30s", "--json", json.toString(),
                "--hdr-log", hdrLog.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String prefix = "  gen" + (index + 1) + " ";
        Thread.ofPlatform().daemon().start(() -> forward(process, prefix, out));
        return new Generator(index, process, json, hdrLog);
    }

    Process process() {
        return process;
    }

    /**
     * Its result, once the process has exited.
     *
     * @throws IOException when it wrote no result, or one that cannot be read
     */
    Measured read() throws IOException {
        String text = Files.readString(json);
        if (text.isBlank()) {
            throw new IOException("load generator " + (index + 1) + " wrote no result (exit " + process.exitValue() + ")");
        }
        return new Measured(LoadReport.fromJson(text), LatencyLog.readTotal(hdrLog), process.exitValue());
    }

    /** Ends the process if it still runs, and deletes its files. */
    void discard() {
        process.destroy();
        try {
            Files.deleteIfExists(json);
            Files.deleteIfExists(hdrLog);
        } catch (IOException e) {
            // a temporary file left behind is no reason to fail the run
        }
    }

    private static void forward(Process process, String prefix, PrintStream out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(prefix + line);
            }
        } catch (IOException e) {
            out.println(prefix + "(output lost: " + e.getMessage() + ")");
        }
    }
}
