package dev.echo.bench.load;

import dev.echo.cli.OutputFiles;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * A run's measured latencies as an HdrHistogram interval log (HistogramLogWriter's format, one
 * interval a second, values in nanoseconds, each interval tagged with the generator's name), and
 * reading such a log back into one histogram. The log keeps every recorded value, so logs of several
 * processes add up to the exact distribution of all their requests, which percentiles of the parts
 * cannot give. HdrHistogram's own tools (HistogramLogProcessor) read it too. The first comment says
 * which latency it holds (from the intended send time under --rate, corrected for coordinated
 * omission, or from the actual send); the last line, written by {@link #finish}, holds the run's
 * {@link RunTotals}, which {@link GeneratorLog#read} needs.
 */
public final class LatencyLog implements Closeable {
    private final Path file;
    private final FirstFailureKept output;
    private final PrintStream stream;
    private final HistogramLogWriter writer;
    private final String tag;

    private LatencyLog(Path file, FirstFailureKept output, String tag) {
        this.file = file;
        this.output = output;
        this.stream = new PrintStream(output, false, StandardCharsets.UTF_8);
        this.writer = new HistogramLogWriter(stream);
        this.tag = tag;
    }

    /**
     * Creates (or truncates) {@code file} and writes the log's header.
     *
     * @param tag the generator's name, on every interval ({@link RunTotals#checkTag})
     * @param config the run's settings: the header says which latency the log holds
     * @throws IllegalArgumentException for a tag {@link RunTotals#checkTag} refuses
     */
    public static LatencyLog create(Path file, String tag, LoadConfig config) throws IOException {
        RunTotals.checkTag(tag);
        LatencyLog log = new LatencyLog(file, new FirstFailureKept(Files.newOutputStream(file)), tag);
        long now = System.currentTimeMillis();
        log.writer.outputComment("echo-load generator " + tag + ": latency in nanoseconds, one interval a second of"
                + " the measured window, " + (config.openLoop()
                ? "from each request's intended send time at --rate " + RunTotals.plain(config.rate())
                        + " (corrected for coordinated omission)"
                : "from each request's actual send (closed loop, no coordinated-omission correction)"));
        log.writer.outputLogFormatVersion();
        log.writer.setBaseTime(now);
        log.writer.outputStartTime(now);
        log.writer.outputBaseTime(now);
        log.writer.outputLegend();
        // Flushed now, so that a file that takes nothing (a full disk, /dev/full) is told before the
        // run, not after it.
        if (log.stream.checkError()) {
            log.stream.close();
            throw log.output.first;
        }
        return log;
    }

    /**
     * Appends one interval; its start and end time stamps place it in the log. It is written as a
     * copy made on this thread: a Recorder's interval histogram, resized while connections recorded
     * into it, was once written with a range in its header smaller than its counts (a log the reader
     * then refused with an ArrayIndexOutOfBoundsException); a copy grown by one thread keeps its
     * header and its counts in step.
     */
    public void write(Histogram interval) {
        Histogram copy = new Histogram(interval.getNumberOfSignificantValueDigits());
        copy.add(interval);
        copy.setStartTimeStamp(interval.getStartTimeStamp());
        copy.setEndTimeStamp(interval.getEndTimeStamp());
        copy.setTag(tag);
        writer.outputIntervalHistogram(copy);
    }

    /** Appends the run's totals as the log's last line ({@link RunTotals}); call it once, after the run. */
    public void finish(LoadResult result) {
        stream.println(RunTotals.of(tag, result).toLine());
    }

    /** @throws IOException when anything failed to reach the file (PrintStream keeps such errors until asked) */
    @Override
    public void close() throws IOException {
        stream.close();
        if (stream.checkError()) {
            IOException first = output.first;
            throw new IOException("cannot write the HdrHistogram log " + file
                    + (first == null ? "" : ": " + OutputFiles.reason(first)), first);
        }
    }

    /** The file's stream, keeping the first failure, which the PrintStream above it swallows. */
    private static final class FirstFailureKept extends FilterOutputStream {
        private IOException first;

        FirstFailureKept(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len); // not FilterOutputStream's byte-at-a-time loop
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw kept(e);
            }
        }

        private IOException kept(IOException e) {
            if (first == null) {
                first = e;
            }
            return e;
        }
    }

    /**
     * Every interval of the log at {@code file}, added into one histogram.
     *
     * @throws IOException when the file cannot be read or is not an HdrHistogram log, naming the file
     */
    public static Histogram readTotal(Path file) throws IOException {
        try {
            return intervalsAdded(file);
        } catch (FileNotFoundException e) {
            throw e; // its message names the file
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #readTotal}, the message without the file's name. */
    static Histogram intervalsAdded(Path file) throws IOException {
        Histogram total = new Histogram(3);
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                if (!(interval instanceof Histogram histogram)) {
                    throw new IOException("holds a " + interval.getClass().getSimpleName()
                            + ", not the integer histograms echo-load writes");
                }
                total.add(histogram);
            }
        } catch (RuntimeException e) { // the reader's way of saying the text is not a log
            throw new IOException("not an HdrHistogram log (" + e.getMessage() + ")", e);
        }
        return total;
    }
}
