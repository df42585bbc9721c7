package dev.echo.core;

/**
 * A frame that has passed the length check needs more buffer than the shared {@link BufferBudget}
 * has left. The frame is not read further: the connection should be answered and closed. Nothing
 * beyond the budget was allocated.
 */
public final class BufferBudgetExceededException extends FrameException {
    private static final long serialVersionUID = 1L;

    private final long frameLength;
    private final long budgetLimit;

    public BufferBudgetExceededException(long frameLength, long neededBytes, BufferBudget budget) {
        super("frame of " + frameLength + " bytes needs " + neededBytes + " more buffered bytes, but the buffer budget of "
                + budget.limit() + " bytes has " + Math.max(0, budget.available()) + " left");
        this.frameLength = frameLength;
        this.budgetLimit = budget.limit();
    }

    /** The length of the frame that could not be buffered, header included. */
    public long frameLength() {
        return frameLength;
    }

    /** The budget's bound, in bytes. */
    public long budgetLimit() {
        return budgetLimit;
    }
}
