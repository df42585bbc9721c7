package dev.echo.core;

/** A frame declared a length over the reader's maximum. Nothing of that size was allocated. */
public final class FrameTooLargeException extends FrameException {
    private static final long serialVersionUID = 1L;

    private final long declaredLength;
    private final int maxFrameLength;

    public FrameTooLargeException(long declaredLength, int maxFrameLength) {
        super("frame length " + declaredLength + " exceeds the maximum of " + maxFrameLength + " bytes");
        this.declaredLength = declaredLength;
        this.maxFrameLength = maxFrameLength;
    }

    /** The length the peer claimed. */
    public long declaredLength() {
        return declaredLength;
    }

    /** The limit it broke. */
    public int maxFrameLength() {
        return maxFrameLength;
    }
}
