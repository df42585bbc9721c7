package dev.echo.testkit;

import java.util.concurrent.Executor;

/**
 * An executor that runs each task on a new daemon platform thread of its own: for blocking work a test
 * hands to a CompletableFuture (a close(), a read of a child's output, a loop of calls). Not the default
 * async pool, the common ForkJoinPool: on 2 cores it has one worker, which does not make up for a
 * blocked task, so one test's blocking read held another test's close() for as long as it blocked.
 */
public final class OwnThread {
    private OwnThread() {
    }

    /** Runs each task on a new daemon thread named {@code name}. */
    public static Executor named(String name) {
        return task -> Thread.ofPlatform().daemon().name(name).start(task);
    }
}
