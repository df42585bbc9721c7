package dev.echo.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs n tasks at once, one virtual thread each, and waits for all of them within a deadline.
 * Failures are collected, not thrown, so that a test can count and report them.
 */
final class Parallel {
    /** A task that may throw anything; {@code index} is 0..n-1. */
    interface Task {
        void run(int index) throws Exception;
    }

    /** How n tasks ended. {@code failures} holds "index: exception" for each task that threw. */
    record Outcome(int tasks, int finished, List<String> failures, List<Throwable> errors) {
        int succeeded() {
            return finished - failures.size();
        }

        /** Fails unless every task finished without an exception, reporting up to 10 failures. */
        void assertAllSucceeded(String what) {
            if (finished != tasks || !failures.isEmpty()) {
                throw new AssertionError("expected all " + tasks + " " + what + " to succeed, but " + finished
                        + " finished and " + failures.size() + " failed; first failures: "
                        + failures.subList(0, Math.min(10, failures.size())),
                        errors.isEmpty() ? null : errors.get(0));
            }
        }
    }

    private Parallel() {}

    static Outcome run(int n, Duration deadline, Task task) {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger finished = new AtomicInteger();
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            threads.add(Thread.ofVirtual().name("it-task-" + i).start(() -> {
                try {
                    task.run(index);
                } catch (Throwable e) {
                    failures.add(index + ": " + e);
                    errors.add(e);
                } finally {
                    finished.incrementAndGet();
                    done.countDown();
                }
            }));
        }
        try {
            if (!done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                threads.forEach(Thread::interrupt);
                throw new AssertionError("expected " + n + " tasks to finish within " + deadline + ", but "
                        + (n - finished.get()) + " were still running (" + failures.size() + " had failed: "
                        + failures.stream().limit(5).toList() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + n + " tasks", e);
        }
        return new Outcome(n, finished.get(), List.copyOf(failures), List.copyOf(errors));
    }
}
