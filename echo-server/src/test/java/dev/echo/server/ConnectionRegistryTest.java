package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.BufferBudget;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** close()'s wait past the grace period: as long as connections keep ending, and no longer. */
class ConnectionRegistryTest {
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(3);

    @Test
    void waitsPastTheQuietPeriodWhileConnectionsKeepEnding() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<ConnectionHandler> open = register(registry, 20);
        long start = System.nanoTime();
        // One ends every 300 ms: 6 s in all, twice the quiet period, but never 3 s without an end.
        Thread ending = Thread.ofPlatform().start(() -> {
            for (ConnectionHandler connection : open) {
                pause(300);
                registry.remove(connection);
            }
        });
        boolean empty = registry.awaitEmptyWhileEnding(QUIET_NANOS, start + TimeUnit.SECONDS.toNanos(60));
        ending.join();
        assertTrue(empty, "expected the wait to last while connections kept ending; left: " + registry.size());
        assertTrue(System.nanoTime() - start > QUIET_NANOS, "expected the wait to outlast one quiet period");
    }

    @Test
    void givesUpWhenNoConnectionEndsForTheQuietPeriod() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<ConnectionHandler> open = register(registry, 3);
        registry.remove(open.get(0));
        long start = System.nanoTime();
        assertFalse(registry.awaitEmptyWhileEnding(QUIET_NANOS, start + TimeUnit.SECONDS.toNanos(60)),
                "expected to give up with two connections that never end");
        long waited = System.nanoTime() - start;
        assertTrue(waited >= QUIET_NANOS && waited < TimeUnit.SECONDS.toNanos(30),
                "expected to give up after one quiet period, waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
        assertEquals(2, registry.size());
    }

    @Test
    void givesUpAtTheDeadlineEvenWhileConnectionsKeepEnding() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<ConnectionHandler> open = register(registry, 1_000);
        Thread ending = Thread.ofPlatform().start(() -> {
            for (ConnectionHandler connection : open) {
                if (!pause(50)) {
                    return;
                }
                registry.remove(connection);
            }
        });
        long start = System.nanoTime();
        boolean empty = registry.awaitEmptyWhileEnding(QUIET_NANOS, start + TimeUnit.SECONDS.toNanos(1));
        long waited = System.nanoTime() - start;
        ending.interrupt();
        ending.join();
        assertFalse(empty, "expected 1,000 connections ending one per 50 ms not to be done within 1 s");
        assertTrue(waited < QUIET_NANOS, "expected to stop at the 1 s deadline, waited "
                + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
    }

    private static List<ConnectionHandler> register(ConnectionRegistry registry, int count) {
        ServerConfig config = ServerConfig.builder().port(0).build();
        ServerCounters counters = new ServerCounters(new ServerEvents(), null);
        List<ConnectionHandler> handlers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = ConnectionHandler.nextId();
            ConnectionHandler handler = new ConnectionHandler(id, new PlainConnection(new Socket(), id), config, counters,
                    registry, BufferBudget.unlimited(), System.nanoTime());
            assertTrue(registry.add(handler));
            handlers.add(handler);
        }
        return handlers;
    }

    /** The pace of connections ending: load shape, not synchronization; false once interrupted. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
