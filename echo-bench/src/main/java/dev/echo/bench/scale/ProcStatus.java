package dev.echo.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Memory and file-descriptor readings of another process, from /proc and jcmd. Linux only. */
final class ProcStatus {
    private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB", Pattern.MULTILINE);
    /** A space's "used" on a line of its own (one per generation, or one for the whole heap). */
    private static final Pattern HEAP_USED = Pattern.compile("^\\S.*?\\bused (\\d+)([KMG])\\b", Pattern.MULTILINE);

    private ProcStatus() {}

    /** Resident set size in KiB, from /proc/PID/status. */
    static long rssKib(long pid) throws IOException {
        Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (!m.find()) {
            throw new IOException("no VmRSS in /proc/" + pid + "/status");
        }
        return Long.parseLong(m.group(1));
    }

    /** Open file descriptors (sockets included) of the process. */
    static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /**
     * Java heap in use right after a full GC, in KiB: {@code jcmd PID GC.run}, then {@code jcmd PID
     * GC.heap_info}, read by {@link #heapUsedKib}.
     */
    static long heapUsedAfterGcKib(String jcmd, long pid) throws IOException, InterruptedException {
        run(jcmd, Long.toString(pid), "GC.run");
        return heapUsedKib(run(jcmd, Long.toString(pid), "GC.heap_info"));
    }

    /**
     * The heap in use that {@code GC.heap_info} printed, in KiB: the sum of the "used" of its
     * unindented lines, which is the whole heap for G1 and ZGC and one line per generation for the
     * parallel and serial collectors (their indented lines are spaces inside a generation).
     */
    static long heapUsedKib(String heapInfo) throws IOException {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long kib = 0;
        boolean found = false;
        while (m.find()) {
            found = true;
            long value = Long.parseLong(m.group(1));
            kib += switch (m.group(2)) {
                case "G" -> value * 1024 * 1024;
                case "M" -> value * 1024;
                default -> value;
            };
        }
        if (!found) {
            throw new IOException("jcmd GC.heap_info printed no heap in use: " + heapInfo.strip());
        }
        return kib;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + new String(output).strip());
        }
        return new String(output);
    }
}
