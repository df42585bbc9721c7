package dev.echo.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stop's interrupt ends a connect under way, and never reaches what the thread does after it. */
class StoppableConnectTest {

    @Test
    @Timeout(20)
    void abandonEndsAConnectUnderWayAndTheInterruptStaysInsideIt() throws Exception {
        StoppableConnect connect = new StoppableConnect();
        CountDownLatch inside = new CountDownLatch(1);
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<IOException> failure = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                connect.open(() -> {
                    inside.countDown();
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(30)); // a connect that never ends on its own
                        return "connected";
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // as EchoClient.connect does
                        throw new InterruptedIOException("interrupted");
                    }
                });
            } catch (IOException e) {
                failure.complete(e);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        assertTrue(inside.await(10, TimeUnit.SECONDS), "expected the connect to begin");
        connect.abandon();
        assertTrue(failure.get(10, TimeUnit.SECONDS) instanceof InterruptedIOException, "expected the connect ended");
        assertTrue(connect.abandoned());
        assertFalse(interruptedAfter.get(10, TimeUnit.SECONDS), "expected the interrupt cleared after the connect");
    }

    @Test
    @Timeout(20)
    void anInterruptThatComesAsTheConnectSucceedsIsClearedToo() throws Exception {
        StoppableConnect connect = new StoppableConnect();
        CountDownLatch inside = new CountDownLatch(1);
        AtomicBoolean finish = new AtomicBoolean();
        CompletableFuture<String> result = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(connect.open(() -> {
                    inside.countDown();
                    while (!finish.get()) {
                        Thread.onSpinWait(); // past its last blocking call: it does not see the interrupt
                    }
                    return "connected";
                }));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        assertTrue(inside.await(10, TimeUnit.SECONDS), "expected the connect to begin");
        connect.abandon();
        finish.set(true);
        assertEquals("connected", result.get(10, TimeUnit.SECONDS));
        assertFalse(interruptedAfter.get(10, TimeUnit.SECONDS), "expected no interrupt left for the reads after it");
    }

    @Test
    void aConnectAbandonedBeforeItBeganDoesNotConnect() {
        StoppableConnect connect = new StoppableConnect();
        connect.abandon();
        AtomicBoolean opened = new AtomicBoolean();
        assertThrows(IOException.class, () -> connect.open(() -> opened.getAndSet(true)));
        assertFalse(opened.get(), "expected no connect after the stop");
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
