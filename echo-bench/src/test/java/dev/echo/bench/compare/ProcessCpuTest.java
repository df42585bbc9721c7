package dev.echo.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
    /** A real stat line (a process of this machine), its name changed to one with spaces and parentheses. */
    private static final String STAT = "4369 (my (odd) name) S 4363 4363 2331 0 -1 4194304 100 0 0 0 1234 567 0 0"
            + " 20 0 1 0 1230406 3133440 414 18446744073709551615 94393180934144 94393180954025 0 0 0 0 0 0 0 0 0 17"
            + " 0 0 0 0 0 0\n";

    private static String status(long voluntary, long involuntary) {
        return "Name:\tjava\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t" + voluntary
                + "\nnonvoluntary_ctxt_switches:\t" + involuntary + "\n";
    }

    @Test
    void utimeAndStimeAreReadAfterANameHoldingSpacesAndParentheses() {
        ProcessCpu cpu = ProcessCpu.of(STAT, List.of(), 10_000);
        assertEquals(1234 * 10_000L, cpu.userMicros(), "expected utime (field 14) in microseconds");
        assertEquals(567 * 10_000L, cpu.systemMicros(), "expected stime (field 15) in microseconds");
    }

    @Test
    void contextSwitchesAreSummedOverThreads() {
        ProcessCpu cpu = ProcessCpu.of(STAT, List.of(status(10, 1), status(32, 4), "Name:\tno counters\n"), 10_000);
        assertEquals(42, cpu.voluntarySwitches(), "expected 10 + 32 voluntary switches");
        assertEquals(5, cpu.involuntarySwitches(), "expected 1 + 4 involuntary switches");
    }

    @Test
    void aTextThatIsNotAStatLineIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessCpu.of("4369 (cut short) S 1 2", List.of(), 10_000), "expected a short line rejected");
        assertTrue(e.getMessage().contains("cut short"), "expected the line in: " + e.getMessage());
    }

    @Test
    void aDifferenceDividedByAnswersIsTheCostPerRequest() {
        ProcessCpu before = new ProcessCpu(1_000, 5_000, 100, 10);
        ProcessCpu after = new ProcessCpu(21_000, 75_000, 10_100, 1_010);
        ProcessCpu.PerRequest perRequest = after.minus(before).per(10_000);
        assertEquals(new ProcessCpu.PerRequest(2.0, 7.0, 1.0, 0.1), perRequest, "expected the window's cost / 10,000");
        assertEquals(9.0, perRequest.cpuMicros(), 1e-9, "expected user + system");
        assertTrue(Double.isNaN(after.minus(before).per(0).cpuMicros()), "expected no cost per request without answers");
    }

    @Test
    void thisJvmsUserTimeGrowsWhileItBurnsCpu() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        long pid = ProcessHandle.current().pid();
        ProcessCpu before = ProcessCpu.read(pid).orElseThrow();
        assertTrue(before.voluntarySwitches() > 0, "expected a running JVM's threads to have switched: " + before);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long sink = 0;
        ProcessCpu now = before;
        // Spin until the kernel has charged at least a few clock ticks (10 ms each) of user time.
        while (now.userMicros() - before.userMicros() < 50_000 && System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000_000; i++) {
                sink += i * 31L ^ sink;
            }
            now = ProcessCpu.read(pid).orElseThrow();
        }
        assertTrue(now.minus(before).userMicros() >= 50_000,
                "expected at least 50 ms more user time after burning CPU (sink " + sink + "): " + before + " -> " + now);
    }

    @Test
    void aProcessThatDoesNotExistHasNoReading() {
        assertEquals(Optional.empty(), ProcessCpu.read(Long.MAX_VALUE), "expected no reading for a pid that cannot exist");
    }
}
