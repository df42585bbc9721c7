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
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

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
     * Java heap in use right after a full GC, in KiB: {@code jcmd PID GC.run}, then the first
     * "used NK" of {@code jcmd PID GC.heap_info}.
     */
    static long heapUsedAfterGcKib(String jcmd, long pid) throws IOException, InterruptedException {
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IOException("jcmd GC.heap_info printed no 'used NK': " + info.strip());
        }
        return Long.parseLong(m.group(1));
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
