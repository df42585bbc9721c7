package dev.echo.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process has spent so far, read from /proc (Linux only): CPU time in user and in kernel mode,
 * of all its threads ({@code utime} and {@code stime} of /proc/PID/stat, which count every thread,
 * the exited ones too), and the voluntary and involuntary context switches of its threads (summed over
 * /proc/PID/task/TID/status, since /proc/PID/status counts only the main thread's; threads that have
 * exited are no longer counted, which a server under steady load does not do). Two readings
 * {@link #minus} one another give what was spent between them.
 *
 * @param userMicros CPU time in user mode, microseconds (in steps of one clock tick, normally 10 ms)
 * @param systemMicros CPU time in kernel mode, microseconds (same steps)
 * @param voluntarySwitches times a thread gave up the CPU, e.g. to wait for a socket
 * @param involuntarySwitches times a thread was taken off the CPU by the scheduler
 */
public record ProcessCpu(long userMicros, long systemMicros, long voluntarySwitches, long involuntarySwitches) {
    private static final Pattern VOLUNTARY = Pattern.compile("^voluntary_ctxt_switches:\\s+(\\d+)", Pattern.MULTILINE);
    private static final Pattern INVOLUNTARY = Pattern.compile("^nonvoluntary_ctxt_switches:\\s+(\\d+)",
            Pattern.MULTILINE);
    private static final Path PROC = Path.of("/proc");

    /** The reading of process {@code pid} now; empty where there is no /proc or the process is gone. */
    static Optional<ProcessCpu> read(long pid) {
        Path process = PROC.resolve(Long.toString(pid));
        try {
            String stat = Files.readString(process.resolve("stat"), StandardCharsets.US_ASCII);
            return Optional.of(of(stat, threadStatuses(process.resolve("task")), ClockTick.MICROS));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * The reading in a /proc/PID/stat line and the /proc/PID/task/TID/status texts of its threads.
     *
     * @param microsPerTick the length of a clock tick ({@code getconf CLK_TCK} per second)
     * @throws IllegalArgumentException when {@code stat} is not a stat line
     */
    static ProcessCpu of(String stat, List<String> threadStatuses, long microsPerTick) {
        // The command name, field 2, is in parentheses and may itself hold spaces and ')': the fields
        // after it start after the last ')'. proc(5) numbers them from 1: state is 3, utime 14, stime 15.
        int nameEnd = stat.lastIndexOf(')');
        String[] fields = nameEnd < 0 ? new String[0] : stat.substring(nameEnd + 1).trim().split("\\s+");
        if (fields.length < 13) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: '" + stat.strip() + "'");
        }
        long voluntary = 0;
        long involuntary = 0;
        for (String status : threadStatuses) {
            voluntary += count(VOLUNTARY, status);
            involuntary += count(INVOLUNTARY, status);
        }
        return new ProcessCpu(Long.parseLong(fields[11]) * microsPerTick, Long.parseLong(fields[12]) * microsPerTick,
                voluntary, involuntary);
    }

    /** What was spent from {@code earlier} to this reading. */
    ProcessCpu minus(ProcessCpu earlier) {
        return new ProcessCpu(userMicros - earlier.userMicros, systemMicros - earlier.systemMicros,
                voluntarySwitches - earlier.voluntarySwitches, involuntarySwitches - earlier.involuntarySwitches);
    }

    /** This (a difference of two readings) divided by the answers given meanwhile; NaN for no answers. */
    public PerRequest per(long answers) {
        double n = answers > 0 ? answers : Double.NaN;
        return new PerRequest(userMicros / n, systemMicros / n, voluntarySwitches / n, involuntarySwitches / n);
    }

    /** CPU microseconds and context switches per answered request. */
    public record PerRequest(double userMicros, double systemMicros, double voluntarySwitches, double involuntarySwitches) {
        public double cpuMicros() {
            return userMicros + systemMicros;
        }
    }

    private static List<String> threadStatuses(Path tasks) throws IOException {
        List<String> statuses = new ArrayList<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                try {
                    statuses.add(Files.readString(thread.resolve("status"), StandardCharsets.UTF_8));
                } catch (NoSuchFileException e) {
                    // the thread exited between the listing and the read: it has nothing more to count
                }
            }
        }
        return statuses;
    }

    private static long count(Pattern field, String status) {
        Matcher m = field.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The clock tick of utime and stime, asked once of {@code getconf CLK_TCK}. */
    private static final class ClockTick {
        static final long MICROS = 1_000_000 / ticksPerSecond();

        private static long ticksPerSecond() {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                if (getconf.waitFor(10, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                    return Long.parseLong(out);
                }
                getconf.destroyForcibly();
            } catch (IOException | NumberFormatException e) {
                // fall through to the kernel's USER_HZ
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // /proc reports in USER_HZ, which is 100 on every architecture Linux runs Java on
            return 100;
        }
    }
}
