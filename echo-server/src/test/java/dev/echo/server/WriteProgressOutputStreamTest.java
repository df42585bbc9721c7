package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * When the sweeper may call a piece of an answer stalled: when its counter has not moved for the
 * limit and its virtual thread is parked (waiting on the peer), not when that thread is runnable
 * (the peer took bytes, the thread waits for a carrier: the server's delay on a busy machine). The
 * clock is the sweeper's {@code nowNanos}, given here, so no test waits for a real timeout.
 */
class WriteProgressOutputStreamTest {
    private static final long LIMIT = TimeUnit.SECONDS.toNanos(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aPieceWhoseVirtualThreadIsParkedIsStalledPastTheLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<WriteProgressOutputStream> stream = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().unstarted(() -> write(stream.get()));
        WriteProgressOutputStream out = new WriteProgressOutputStream(blockingUntil(release), writer);
        stream.set(out);
        writer.start();
        try {
            Await.until("the writer parked in its piece", WAIT, () -> writer.getState() == Thread.State.WAITING);
            assertFalse(out.stalledLongerThan(0, LIMIT), "the sweeper's first look starts the clock");
            assertFalse(out.stalledLongerThan(LIMIT, LIMIT), "at the limit, not past it");
            assertTrue(out.stalledLongerThan(LIMIT + 1, LIMIT), "expected a parked piece stalled past the limit");
            assertTrue(out.stalledLongerThan(LIMIT + 2, LIMIT), "expected it still stalled at the next look");
        } finally {
            release.countDown();
            writer.join();
        }
        assertFalse(out.stalledLongerThan(LIMIT * 10, LIMIT), "expected no stall once no piece is on its way");
    }

    @Test
    void aPieceWhoseVirtualThreadIsRunnableIsNotTheClientsStall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<WriteProgressOutputStream> stream = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().unstarted(() -> write(stream.get()));
        WriteProgressOutputStream out = new WriteProgressOutputStream(spinningUntil(release), writer);
        stream.set(out);
        writer.start();
        try {
            Await.until("the writer inside its piece", WAIT, out::pieceOnItsWay);
            assertFalse(out.stalledLongerThan(0, LIMIT), "the sweeper's first look starts the clock");
            assertFalse(out.stalledLongerThan(LIMIT + 1, LIMIT),
                    "expected a runnable writer not taken for a stalled client (state " + writer.getState() + ")");
            assertFalse(out.stalledLongerThan(2 * LIMIT + 1, LIMIT),
                    "expected no time counted while the writer was runnable");
        } finally {
            release.countDown();
            writer.join();
        }
    }

    /**
     * A busy machine's pattern: the writer parked at one look, woken (runnable, waiting for a core) at
     * the next, parked again at the third. The spans touching the runnable look are not the client's;
     * only a span with the writer parked at both ends counts.
     */
    @Test
    void onlyASpanWithTheWriterParkedAtBothLooksCounts() throws Exception {
        CountDownLatch firstWait = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch spin = new CountDownLatch(1);
        CountDownLatch secondWait = new CountDownLatch(1);
        AtomicReference<WriteProgressOutputStream> stream = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().unstarted(() -> write(stream.get()));
        WriteProgressOutputStream out = new WriteProgressOutputStream(writing(() -> {
            awaitQuietly(firstWait);
            running.countDown();
            while (spin.getCount() > 0) {
                Thread.onSpinWait();
            }
            awaitQuietly(secondWait);
        }), writer);
        stream.set(out);
        writer.start();
        try {
            Await.until("the writer parked in its piece", WAIT, () -> writer.getState() == Thread.State.WAITING);
            assertFalse(out.stalledLongerThan(0, LIMIT), "the sweeper's first look, the writer parked");
            firstWait.countDown();
            running.await();
            assertFalse(out.stalledLongerThan(LIMIT + 1, LIMIT), "the writer runnable at the second look");
            spin.countDown();
            Await.until("the writer parked again", WAIT, () -> writer.getState() == Thread.State.WAITING);
            assertFalse(out.stalledLongerThan(2 * LIMIT + 2, LIMIT),
                    "expected the span from a runnable look not counted, though the writer is parked now");
            assertTrue(out.stalledLongerThan(3 * LIMIT + 3, LIMIT), "expected a span parked at both looks counted");
        } finally {
            firstWait.countDown();
            spin.countDown();
            secondWait.countDown();
            writer.join();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPlatformThreadsPieceIsJudgedByTheCounterAlone() throws Exception {
        // A platform thread blocked in a socket write reports RUNNABLE, so its state cannot be trusted.
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<WriteProgressOutputStream> stream = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().daemon().unstarted(() -> write(stream.get()));
        WriteProgressOutputStream out = new WriteProgressOutputStream(spinningUntil(release), writer);
        stream.set(out);
        writer.start();
        try {
            Await.until("the writer inside its piece", WAIT, out::pieceOnItsWay);
            assertFalse(out.stalledLongerThan(0, LIMIT));
            assertTrue(out.stalledLongerThan(LIMIT + 1, LIMIT), "expected a platform thread's piece stalled by the counter");
        } finally {
            release.countDown();
            writer.join();
        }
    }

    private static void write(WriteProgressOutputStream out) {
        try {
            out.write(new byte[16]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each write parks its thread until {@code release}: a piece waiting on the peer. */
    private static OutputStream blockingUntil(CountDownLatch release) {
        return writing(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Each write keeps its thread running until {@code release}: a piece whose thread is not parked. */
    private static OutputStream spinningUntil(CountDownLatch release) {
        return writing(() -> {
            while (release.getCount() > 0) {
                Thread.onSpinWait();
            }
        });
    }

    private static OutputStream writing(Runnable eachWrite) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                eachWrite.run();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                eachWrite.run();
            }
        };
    }
}
