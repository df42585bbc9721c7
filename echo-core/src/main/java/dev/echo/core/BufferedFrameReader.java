package dev.echo.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The buffer machinery shared by both framings: one array, refilled with bulk reads, compacted so
 * that the current frame starts at its front, grown only with bytes that have arrived, and shrunk
 * back after an unusually large frame.
 *
 * <p>The array starts small ({@value #INITIAL_BUFFER_SIZE} bytes), because most connections send
 * one small request at a time and a server holds thousands of them. It grows to {@value
 * #DEFAULT_BUFFER_SIZE} bytes once a read fills it with at least half its size, the sign of a
 * connection that pipelines or sends larger frames, and stays there.
 *
 * <p>A declared length is a promise, not a reason to allocate: a larger frame doubles the array
 * each time the bytes that arrived fill it, up to the frame's size, so the array is never more
 * than twice the bytes received (or {@value #DEFAULT_BUFFER_SIZE}). Every byte beyond the first
 * {@value #INITIAL_BUFFER_SIZE} is taken from the reader's {@link BufferBudget}; the growth to
 * {@value #DEFAULT_BUFFER_SIZE} for a busy connection is skipped when the budget is short.
 */
abstract class BufferedFrameReader implements FrameReader {
    /** Size a new reader starts with. */
    static final int INITIAL_BUFFER_SIZE = BufferBudget.OWN_BYTES;
    /** Size of a busy connection's buffer; a larger frame grows it for as long as it is needed. */
    static final int DEFAULT_BUFFER_SIZE = 8 * 1024;

    private static final byte[] RELEASED = new byte[0];

    private final InputStream in;
    private final int maxFrameLength;
    /** Holds {@link #budgeted(int)} of the array's length, always. */
    private final BufferBudget budget;
    private byte[] buf = new byte[INITIAL_BUFFER_SIZE];
    private int pos;
    private int limit;
    /** First byte of the frame being read; everything from here on survives a compaction. */
    private int mark;
    private long bytesRead;
    private boolean hasFrame;
    private int frameOffset;
    private int frameLength;

    BufferedFrameReader(InputStream in, int maxFrameLength, BufferBudget budget) {
        this.in = Objects.requireNonNull(in, "in");
        this.budget = Objects.requireNonNull(budget, "budget");
        if (maxFrameLength <= 0 || maxFrameLength > MAX_FRAME_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxFrameLength must be from 1 to " + MAX_FRAME_LENGTH_LIMIT
                    + " bytes: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public final int nextFrame() throws IOException {
        hasFrame = false;
        releaseLargeBuffer();
        mark = pos;
        if (pos == limit && fill() <= 0) {
            return -1;
        }
        readFrame();
        hasFrame = true;
        return frameLength;
    }

    @Override
    public final <T> T parseFrame(Parser<T> parser) throws InvalidProtocolBufferException {
        requireFrame();
        return parser.parseFrom(buf, mark + frameOffset, frameLength);
    }

    @Override
    public final boolean testFrame(FrameTest test) {
        requireFrame();
        return test.test(buf, mark + frameOffset, frameLength);
    }

    @Override
    public final void copyFrameTo(FrameWriter writer) throws IOException {
        requireFrame();
        writer.writeSerialized(buf, mark + frameOffset, frameLength);
    }

    private void requireFrame() {
        if (!hasFrame) {
            throw new IllegalStateException("no current frame: call nextFrame() first");
        }
    }

    @Override
    public final int bufferedBytes() {
        return limit - pos;
    }

    @Override
    public final long bytesRead() {
        return bytesRead;
    }

    @Override
    public final int maxFrameLength() {
        return maxFrameLength;
    }

    @Override
    public final void release() {
        budget.release(budgeted(buf.length));
        buf = RELEASED;
        pos = 0;
        limit = 0;
        mark = 0;
        hasFrame = false;
    }

    /**
     * Reads one frame starting at the current position: its header through {@link #readByte()},
     * then its body through {@link #consumeBody}. Called only when at least one byte is buffered.
     */
    abstract void readFrame() throws IOException;

    /** Reads one header byte; -1 at end of stream. */
    final int readByte() throws IOException {
        if (pos == limit && fill() <= 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Header bytes of the current frame read so far. */
    final int headerLength() {
        return pos - mark;
    }

    /**
     * Buffers a body of {@code bodyLength} bytes that follows the header and consumes it. The
     * parsable frame is then {@code frameLength} bytes starting {@code frameOffset} bytes after the
     * frame's first header byte. Throws {@link TruncatedFrameException} if the stream ends first.
     */
    final void consumeBody(int bodyLength, int frameOffset, int frameLength) throws IOException {
        while (limit - pos < bodyLength) {
            if (limit == buf.length) {
                // Long arithmetic: header plus body may not fit an int.
                makeRoom((long) (pos - mark) + bodyLength);
            }
            if (fill() <= 0) {
                throw new TruncatedFrameException("frame body", limit - pos, bodyLength);
            }
        }
        pos += bodyLength;
        this.frameOffset = frameOffset;
        this.frameLength = frameLength;
    }

    /**
     * One bulk read: into the whole array when nothing is buffered, else after moving the current
     * frame to the front if the array is full. A read that fills a small array with at least half
     * its size grows it.
     */
    private int fill() throws IOException {
        if (mark == limit) {
            // Nothing of a frame is buffered: start over at the front, so the read gets the whole array.
            mark = 0;
            pos = 0;
            limit = 0;
        } else if (limit == buf.length) {
            compact();
        }
        int room = buf.length - limit;
        int n = in.read(buf, limit, room);
        if (n > 0) {
            limit += n;
            bytesRead += n;
            if (n == room && buf.length < DEFAULT_BUFFER_SIZE && n >= buf.length / 2
                    && reserveFor(DEFAULT_BUFFER_SIZE, true)) {
                resize(DEFAULT_BUFFER_SIZE);
            }
        }
        return n;
    }

    /** Moves the current frame and what follows it to the front of a new array of {@code size} bytes. */
    private void resize(int size) {
        byte[] bigger = new byte[size];
        System.arraycopy(buf, mark, bigger, 0, limit - mark);
        limit -= mark;
        pos -= mark;
        mark = 0;
        buf = bigger;
    }

    /** The buffer's current size in bytes; for tests. */
    final int bufferCapacity() {
        return buf.length;
    }

    private void compact() {
        if (mark == 0) {
            return;
        }
        System.arraycopy(buf, mark, buf, 0, limit - mark);
        limit -= mark;
        pos -= mark;
        mark = 0;
    }

    /**
     * The array is full and the frame from the mark needs {@code frameBytes} (more than is here):
     * compacts, or else doubles the array, capped by the frame's size, with the growth past {@value
     * #DEFAULT_BUFFER_SIZE} bytes taken from the budget.
     */
    private void makeRoom(long frameBytes) {
        compact();
        if (limit < buf.length) {
            return;
        }
        int size = (int) Math.min(Math.max(2L * buf.length, DEFAULT_BUFFER_SIZE), frameBytes);
        if (!reserveFor(size, false)) {
            throw new BufferBudgetExceededException(frameBytes, budgeted(size) - budgeted(buf.length), budget);
        }
        resize(size);
    }

    /** Takes from the budget what an array of {@code size} needs beyond the current one's; false if refused. */
    private boolean reserveFor(int size, boolean optional) {
        long needed = budgeted(size) - budgeted(buf.length);
        return needed <= 0 || (optional ? budget.tryReserveOptional(needed) : budget.tryReserve(needed));
    }

    /** The part of an array of {@code size} bytes that the budget pays for: all past the first 512. */
    private static long budgeted(int size) {
        return Math.max(0, size - INITIAL_BUFFER_SIZE);
    }

    private void releaseLargeBuffer() {
        int remaining = limit - pos;
        if (buf.length > DEFAULT_BUFFER_SIZE && remaining <= DEFAULT_BUFFER_SIZE) {
            budget.release(budgeted(buf.length) - budgeted(DEFAULT_BUFFER_SIZE));
            byte[] small = new byte[DEFAULT_BUFFER_SIZE];
            System.arraycopy(buf, pos, small, 0, remaining);
            buf = small;
            pos = 0;
            limit = remaining;
        }
    }
}
