package dev.echo.it.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs n clients at once, a virtual thread each. The first failure wins: every connection is then
 * closed at once, which wakes the other clients, so a crowd against a stuck server ends after one
 * timeout, not after n of them.
 */
final class Crowd {
    /** One client's work; {@code index} is 0..n-1. */
    @FunctionalInterface
    interface Client {
        void run(int index) throws CheckFailedException;
    }

    private Crowd() {}

    static void run(Target target, int n, Client client) throws CheckFailedException, InterruptedException {
        AtomicReference<CheckFailedException> firstFailure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            threads.add(Thread.ofVirtual().name("probe-client-" + i).start(() -> {
                try {
                    client.run(index);
                } catch (CheckFailedException e) {
                    if (firstFailure.compareAndSet(null, e.in("client " + (index + 1) + " of " + n))) {
                        target.abortAll();
                    }
                }
            }));
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            target.abortAll(); // the probe gave up on this check: no client outlives it
            throw e;
        }
        if (firstFailure.get() != null) {
            throw firstFailure.get();
        }
    }
}
