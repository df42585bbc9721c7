package dev.echo.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.IntStream;

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

    /** Tasks started by {@link #start}: the test goes on meanwhile and collects them with {@link #await}. */
    record Running(Future<Outcome> outcome) {
        boolean isDone() {
            return outcome.isDone();
        }

        /**
         * Waits up to {@code within} for every task to end. Fails naming {@code what} and its
         * {@code state} if they have not, and rethrows what {@link #run} threw (its own deadline).
         */
        Outcome await(Duration within, String what, Supplier<?> state) {
            try {
                return outcome.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("expected " + what + " to finish within " + within + ": " + state.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Error error ? error : new AssertionError(what + " failed", e.getCause());
            }
        }
    }

    private Parallel() {}

    /** Starts {@link #run} in the background, so that the test can act on a server while the tasks go on. */
    static Running start(int n, Duration deadline, Task task) {
        FutureTask<Outcome> outcome = new FutureTask<>(() -> run(n, deadline, task));
        Thread.ofVirtual().name("it-tasks").start(outcome);
        return new Running(outcome);
    }

    static Outcome run(int n, Duration deadline, Task task) {
        List<Callable<Void>> tasks = IntStream.range(0, n).<Callable<Void>>mapToObj(index -> () -> {
            task.run(index);
            return null;
        }).toList();
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("it-task-", 0).factory());
        List<Future<Void>> ended;
        try {
            // Cancels (interrupts) the tasks still running at the deadline.
            ended = executor.invokeAll(tasks, deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + n + " tasks", e);
        } finally {
            executor.shutdownNow();
        }
        List<String> failures = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        int finished = 0;
        for (int index = 0; index < n; index++) {
            Future<Void> future = ended.get(index);
            if (future.state() == Future.State.FAILED) {
                failures.add(index + ": " + future.exceptionNow());
                errors.add(future.exceptionNow());
            }
            finished += future.state() == Future.State.CANCELLED ? 0 : 1;
        }
        if (finished < n) {
            throw new AssertionError("expected " + n + " tasks to finish within " + deadline + ", but "
                    + (n - finished) + " were still running (" + failures.size() + " had failed: "
                    + failures.stream().limit(5).toList() + ")");
        }
        return new Outcome(n, finished, List.copyOf(failures), List.copyOf(errors));
    }
}
