package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One scrape at a time, shared by the callers that waited for it, never one begun before a caller came. */
class CoalescedScrapeTest {
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final CountDownLatch firstMayEnd = new CountDownLatch(1);

    private String slowScrape() {
        int now = inProgress.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        int number = made.incrementAndGet();
        try {
            if (number == 1) {
                firstMayEnd.await(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inProgress.decrementAndGet();
        }
        return "scrape " + number;
    }

    @Test
    void callersThatCameDuringAScrapeShareTheNextOneAndOnlyOneIsMadeAtATime() throws Exception {
        CoalescedScrape coalesced = new CoalescedScrape(this::slowScrape);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(coalesced, Thread::startVirtualThread);
        Await.until("the first scrape under way", Duration.ofSeconds(10), () -> made.get() == 1);
        List<CompletableFuture<String>> during = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            during.add(CompletableFuture.supplyAsync(coalesced, Thread::startVirtualThread));
        }
        Await.until("9 callers waiting", Duration.ofSeconds(10), () -> coalesced.waiting() == 9);
        firstMayEnd.countDown();

        assertEquals("scrape 1", first.get(10, TimeUnit.SECONDS), "expected the first caller to get its own scrape");
        for (CompletableFuture<String> caller : during) {
            assertEquals("scrape 2", caller.get(10, TimeUnit.SECONDS),
                    "expected each caller that came during the first to get the next, begun after it came");
        }
        assertEquals(2, made.get(), "expected 2 scrapes for 10 callers");
        assertEquals(1, mostAtOnce.get(), "expected never two scrapes at once");
        assertEquals("scrape 3", coalesced.get(), "expected a caller after them to get a new one");
    }
}
