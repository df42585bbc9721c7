package dev.echo.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the buffer memory that many readers and writers hold together, such as every
 * connection of one server. Each reader's and writer's first {@value #OWN_BYTES} bytes (at most)
 * are its own (a server bounds those by its connection limit); every byte a buffer grows beyond them is taken
 * from the budget, and given back when the buffer shrinks or is {@linkplain FrameReader#release()
 * released}.
 *
 * <p>Two kinds of growth draw on it. A frame larger than its reader's buffer must grow it, with
 * bytes that have really arrived: past the budget, the reader throws {@link
 * BufferBudgetExceededException}. Growing a busy connection's buffers to 8 KiB only saves system
 * calls, so it takes at most half of the budget and is simply skipped past that: thousands of
 * connections that once sent a large request cannot hold 16 KiB each and crowd out real frames.
 *
 * <p>Without a shared bound, many connections that each send most of a maximum-size frame could
 * together hold more than the heap. Thread-safe.
 */
public final class BufferBudget {
    /** Bytes of each buffer that are not taken from the budget: what a reader starts with (a writer, less). */
    public static final int OWN_BYTES = 512;
    private static final BufferBudget UNLIMITED = new BufferBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    private BufferBudget(long limit) {
        this.limit = limit;
    }

    /**
     * A budget of {@code maxBytes} shared by every reader made with it.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public static BufferBudget of(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("buffer budget must be a positive number of bytes: " + maxBytes);
        }
        return new BufferBudget(maxBytes);
    }

    /** No bound: for a single client connection, and for tests. */
    public static BufferBudget unlimited() {
        return UNLIMITED;
    }

    /**
     * Takes {@code bytes} from the budget if that many are left; false (and nothing taken) if not.
     * Public for buffers that are not a reader's or writer's, such as a TLS connection's record buffers.
     */
    public boolean tryReserve(long bytes) {
        return tryReserve(bytes, limit);
    }

    /** Takes {@code bytes} for growth that only saves time, if the budget stays at most half used. */
    boolean tryReserveOptional(long bytes) {
        return tryReserve(bytes, limit / 2);
    }

    private boolean tryReserve(long bytes, long bound) {
        long current;
        do {
            current = used.get();
            if (bytes > bound - current) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    /** Gives back {@code bytes} taken earlier with {@link #tryReserve(long)}. */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** The bound, in bytes. */
    public long limit() {
        return limit;
    }

    /** Bytes taken right now. */
    public long used() {
        return used.get();
    }

    /** Bytes still free right now. */
    public long available() {
        return limit - used.get();
    }

    @Override
    public String toString() {
        return limit == Long.MAX_VALUE ? "BufferBudget[unlimited]" : "BufferBudget[" + used() + " of " + limit + " bytes used]";
    }
}
