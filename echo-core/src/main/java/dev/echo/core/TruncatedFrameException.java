package dev.echo.core;

/**
 * The stream ended inside a frame. An end of stream at a frame boundary is not an error: {@link
 * FrameReader#nextFrame()} returns -1 for it.
 */
public final class TruncatedFrameException extends FrameException {
    private static final long serialVersionUID = 1L;

    private final long bytesReceived;
    private final long bytesExpected;

    public TruncatedFrameException(String where, long bytesReceived, long bytesExpected) {
        super("end of stream inside " + where + ": got " + bytesReceived + " of "
                + (bytesExpected < 0 ? "more" : Long.toString(bytesExpected)) + " bytes");
        this.bytesReceived = bytesReceived;
        this.bytesExpected = bytesExpected;
    }

    /** Bytes of the unfinished part that did arrive. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Bytes that part needed, or -1 where the length was not yet known (inside a varint). */
    public long bytesExpected() {
        return bytesExpected;
    }
}
