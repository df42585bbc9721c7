package dev.echo.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The open connections of one server, so that shutdown can reach every one of them. */
final class ConnectionRegistry {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    private final Set<ConnectionHandler> open = ConcurrentHashMap.newKeySet();
    private boolean shuttingDown;

    /** Adds a new connection; false once shutdown began, in which case the caller closes it. */
    boolean add(ConnectionHandler connection) {
        lock.lock();
        try {
            if (shuttingDown) {
                return false;
            }
            open.add(connection);
            return true;
        } finally {
            lock.unlock();
        }
    }

    void remove(ConnectionHandler connection) {
        lock.lock();
        try {
            open.remove(connection);
            if (open.isEmpty()) {
                emptied.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        return open.size();
    }

    /** Refuses new connections and ends every connection waiting at a frame boundary. */
    void beginShutdown() {
        List<ConnectionHandler> snapshot;
        lock.lock();
        try {
            shuttingDown = true;
            snapshot = new ArrayList<>(open);
        } finally {
            lock.unlock();
        }
        snapshot.forEach(ConnectionHandler::stopIfWaiting);
    }

    /** Closes every remaining connection's socket, even if closing one fails. */
    int forceCloseAll() {
        List<ConnectionHandler> snapshot = snapshot();
        snapshot.forEach(ConnectionHandler::forceClose);
        return snapshot.size();
    }

    /**
     * Waits until no connection is open or {@code deadlineNanos} (a {@link System#nanoTime()} value)
     * passes.
     *
     * @return true if every connection has ended
     */
    boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!open.isEmpty()) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                emptied.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no connection is open for as long as connections keep ending: gives up when none
     * ended in a window of {@code quietNanos} (windows follow each other from the call on), or at
     * {@code deadlineNanos} (a {@link System#nanoTime()} value).
     *
     * @return true if every connection has ended
     */
    boolean awaitEmptyWhileEnding(long quietNanos, long deadlineNanos) throws InterruptedException {
        int left = size();
        long quietUntil = System.nanoTime() + quietNanos;
        while (!awaitEmpty(deadlineNanos - quietUntil < 0 ? deadlineNanos : quietUntil)) {
            long now = System.nanoTime();
            int stillOpen = size();
            if (now - deadlineNanos >= 0 || stillOpen >= left) {
                return false;
            }
            left = stillOpen;
            quietUntil = now + quietNanos;
        }
        return true;
    }

    /** Lets every connection act on its read, write and drain deadlines at {@code nowNanos}. */
    void checkDeadlines(long nowNanos) {
        for (ConnectionHandler connection : open) {
            connection.checkDeadlines(nowNanos);
        }
    }

    /** True once shutdown began: no connection is added any more. */
    boolean isShuttingDown() {
        lock.lock();
        try {
            return shuttingDown;
        } finally {
            lock.unlock();
        }
    }

    /** The connections open right now. */
    List<ConnectionHandler> snapshot() {
        return List.copyOf(open);
    }
}
