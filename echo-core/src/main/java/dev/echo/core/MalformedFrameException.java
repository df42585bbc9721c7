package dev.echo.core;

/**
 * The frame header cannot be read: a varint longer than 5 bytes, a length over 2^31-1, or (raw
 * framing) a first byte that is not the tag of a length-delimited field.
 */
public final class MalformedFrameException extends FrameException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
