package dev.echo.core;

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
 * <p>A connection may also need buffers before its first frame (a TLS connection's record buffers:
 * {@link #tryReserveConnection}). For those a budget can keep a reserve that frames never take: without
 * it, a few dozen connections that each sent half of a maximum-size frame filled the budget, and every
 * new TLS client was refused until they timed out. Connection buffers take the reserve first and then
 * what frames left; frames take at most the budget less whatever part of the reserve connections do
 * not use.
 *
 * <p>Without a shared bound, many connections that each send most of a maximum-size frame could
 * together hold more than the heap. Thread-safe.
 */
public final class BufferBudget {
    /** Bytes of each buffer that are not taken from the budget: what a reader starts with (a writer, less). */
    public static final int OWN_BYTES = 512;
    private static final BufferBudget UNLIMITED = new BufferBudget(Long.MAX_VALUE, 0);

    private final long limit;
    private final long connectionReserve;
    /** Taken by frame readers and writers; guarded by this. */
    private long frameBytes;
    /** Taken by {@link #tryReserveConnection}; guarded by this. */
    private long connectionBytes;

    private BufferBudget(long limit, long connectionReserve) {
        this.limit = limit;
        this.connectionReserve = connectionReserve;
    }

    /**
     * A budget of {@code maxBytes} shared by every reader made with it, with no reserve for connections.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public static BufferBudget of(long maxBytes) {
        return of(maxBytes, 0);
    }

    /**
     * A budget of {@code maxBytes} of which frames never take {@code connectionReserve}: it is kept for
     * {@link #tryReserveConnection}.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is not positive or the reserve is not from 0 to
     *     {@code maxBytes}
     */
    public static BufferBudget of(long maxBytes, long connectionReserve) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("buffer budget must be a positive number of bytes: " + maxBytes);
        }
        if (connectionReserve < 0 || connectionReserve > maxBytes) {
            throw new IllegalArgumentException("connection reserve must be from 0 to the budget's " + maxBytes
                    + " bytes: " + connectionReserve);
        }
        return new BufferBudget(maxBytes, connectionReserve);
    }

    /** No bound: for a single client connection, and for tests. */
    public static BufferBudget unlimited() {
        return UNLIMITED;
    }

    /**
     * Takes {@code bytes} for a connection's own buffers, not a frame's (such as a TLS connection's record
     * buffers): from the reserve first, then from what frames left; false (and nothing taken) if the budget
     * has not that many left.
     */
    public synchronized boolean tryReserveConnection(long bytes) {
        if (bytes > limit - frameBytes - connectionBytes) {
            return false;
        }
        connectionBytes += bytes;
        return true;
    }

    /** Gives back {@code bytes} taken earlier with {@link #tryReserveConnection}. */
    public synchronized void releaseConnection(long bytes) {
        connectionBytes -= bytes;
    }

    /** Takes {@code bytes} for a frame if frames have that many left; false (and nothing taken) if not. */
    boolean tryReserve(long bytes) {
        return tryReserveFrame(bytes, false);
    }

    /** Takes {@code bytes} for growth that only saves time, if the budget stays at most half used. */
    boolean tryReserveOptional(long bytes) {
        return tryReserveFrame(bytes, true);
    }

    private synchronized boolean tryReserveFrame(long bytes, boolean optional) {
        long bound = frameLimit();
        if (optional) {
            bound = Math.min(bound, limit / 2 - connectionBytes);
        }
        if (bytes > bound - frameBytes) {
            return false;
        }
        frameBytes += bytes;
        return true;
    }

    /** Gives back {@code bytes} taken earlier for a frame. */
    synchronized void release(long bytes) {
        frameBytes -= bytes;
    }

    /**
     * What frames may hold in all right now: the budget less the reserve, or less what connections took if
     * more. The caller holds the lock.
     */
    private long frameLimit() {
        return limit - Math.max(connectionReserve, connectionBytes);
    }

    /** The bound, in bytes. */
    public long limit() {
        return limit;
    }

    /** The part of the bound that frames never take. */
    public long connectionReserve() {
        return connectionReserve;
    }

    /** Bytes taken right now. */
    public synchronized long used() {
        return frameBytes + connectionBytes;
    }

    /** Bytes a frame could still take right now. */
    public synchronized long available() {
        return Math.max(0, frameLimit() - frameBytes);
    }

    @Override
    public String toString() {
        return limit == Long.MAX_VALUE ? "BufferBudget[unlimited]" : "BufferBudget[" + used() + " of " + limit
                + " bytes used, " + connectionReserve + " kept for connections]";
    }
}
