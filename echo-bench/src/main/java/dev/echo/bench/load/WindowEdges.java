package dev.echo.bench.load;

/**
 * Told when a run's measured window opens and closes, on the run's clock thread, so that something
 * outside the load generator (say, a server's CPU counters) can be read over exactly that window.
 * Each method should return quickly: the clock waits for it.
 */
public interface WindowEdges {
    /** Nothing to tell. */
    WindowEdges NONE = new WindowEdges() { };

    /** Right after the warmup ends and measuring starts. */
    default void opened() { }

    /** Right after measuring ends, before the answers still in flight are awaited. */
    default void closed() { }
}
