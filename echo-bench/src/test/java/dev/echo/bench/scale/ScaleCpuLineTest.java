package dev.echo.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.RepoJars;
import dev.echo.bench.compare.CpuWindow;
import dev.echo.bench.compare.ServerKind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ScaleCpuLineTest {
    private static final ScaleSettings SETTINGS = new ScaleSettings(RepoJars.locate("."), ServerKind.VIRTUAL, List.of(),
            1_000, 1, Duration.ofSeconds(30), 2.0, 1_000);

    @Test
    @EnabledOnOs(OS.LINUX)
    void dividesWhatTheServerSpentByTheRequestsOfferedInTheWindow() {
        CpuWindow cpu = new CpuWindow(ProcessHandle.current().pid());
        cpu.opened();
        // CPU time to measure, at least 150 ms of it: counted on this thread's clock, not the wall's,
        // which on a busy machine gives this thread a fraction of its time.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuUntil = threads.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(150);
        long wallUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long spin = 0;
        while (threads.getCurrentThreadCpuTime() < cpuUntil && System.nanoTime() < wallUntil) {
            spin++;
        }
        cpu.closed();
        String line = ScaleRun.cpuLine(SETTINGS, cpu, TimeUnit.SECONDS.toNanos(5));
        // 1,000 connections at 2 requests/s for 5 s: 10,000 requests offered.
        assertTrue(line.matches("(?s)  server CPU \\d+\\.\\d us/request \\(user \\d+\\.\\d, sys \\d+\\.\\d\\), context switches "
                + "\\d+\\.\\d\\d \\+ \\d+\\.\\d\\d/request, over 5\\.0 s with every connection held \\(10000 requests offered\\)\\n"),
                line + " (spun " + spin + ")");
        double micros = Double.parseDouble(line.substring("  server CPU ".length(), line.indexOf(" us/request")));
        assertTrue(micros >= 10, "expected at least 100 ms of CPU over 10,000 requests, got " + micros + " us each");
    }

    @Test
    void saysSoWhenTheWindowNeverOpened() {
        assertEquals("  server CPU: not measured (no /proc, or the connections were never all held)\n",
                ScaleRun.cpuLine(SETTINGS, new CpuWindow(ProcessHandle.current().pid()), TimeUnit.SECONDS.toNanos(5)));
    }
}
