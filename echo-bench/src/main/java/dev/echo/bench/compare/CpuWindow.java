package dev.echo.bench.compare;

import dev.echo.bench.load.WindowEdges;
import java.util.Optional;

/**
 * A server process's CPU time and context switches over one run's measured window (not its warmup):
 * read when the window opens and when it closes, on the run's clock thread.
 */
public final class CpuWindow implements WindowEdges {
    private final long pid;
    private Optional<ProcessCpu> atOpen = Optional.empty();
    private Optional<ProcessCpu> atClose = Optional.empty();
    private long openedNanos;
    private long closedNanos;

    public CpuWindow(long pid) {
        this.pid = pid;
    }

    @Override
    public void opened() {
        atOpen = ProcessCpu.read(pid);
        openedNanos = System.nanoTime();
    }

    @Override
    public void closed() {
        atClose = ProcessCpu.read(pid);
        closedNanos = System.nanoTime();
    }

    /** How long the window was open, in nanoseconds; 0 unless it opened and closed. */
    public long lengthNanos() {
        return atOpen.isPresent() && atClose.isPresent() ? closedNanos - openedNanos : 0;
    }

    /** What the process spent inside the window; empty without /proc or when the window never opened. */
    public Optional<ProcessCpu> spent() {
        return atOpen.flatMap(open -> atClose.map(close -> close.minus(open)));
    }
}
