package dev.echo.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the frame-buffer memory that many readers hold together, such as every connection of
 * one server. Each reader's first {@value BufferedFrameReader#DEFAULT_BUFFER_SIZE} bytes are its own
 * (a server bounds those by its connection limit); only the part of a buffer beyond them is taken
 * from the budget, when a frame that has really arrived that far needs it, and given back when the
 * buffer shrinks or the reader is {@linkplain FrameReader#release() released}.
 *
 * <p>Without a shared bound, many connections that each send most of a maximum-size frame could
 * together hold more than the heap; with it, the connection that would cross it gets a {@link
 * BufferBudgetExceededException} instead. Thread-safe.
 */
public final class BufferBudget {
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

    /** Takes {@code bytes} from the budget if that many are left; false (and nothing taken) if not. */
    boolean tryReserve(long bytes) {
        long current;
        do {
            current = used.get();
            if (bytes > limit - current) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    /** Gives back {@code bytes} taken earlier. */
    void release(long bytes) {
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
