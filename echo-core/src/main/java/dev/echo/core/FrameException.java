package dev.echo.core;

/**
 * Parent of every framing failure: the bytes on the wire do not form a valid frame. Each subclass
 * carries the offending value in its message. A frame failure leaves the stream at an unknown
 * position, so the connection it came from cannot be read further.
 */
public abstract class FrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected FrameException(String message) {
        super(message);
    }
}
