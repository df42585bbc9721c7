package dev.echo.bench.load;

/**
 * One load thread's driver, whichever kind ({@link ConnectionDriver}, {@link PerRequestDriver},
 * {@link LibraryDriver}): what {@link Drivers} runs on a virtual thread, watches, and closes at the end.
 */
interface Driver extends Runnable {

    /** Why a driver's connection was closed from outside its own thread. */
    enum CloseReason {
        /** An answer was overdue: a connection error. */
        TIMED_OUT,
        /** The user stopped the run: its answers in flight are abandoned, not an error. */
        ABANDONED_AT_STOP
    }

    /**
     * Closes the connection if it has waited for an answer for longer than {@code timeoutNanos}.
     * Any thread may call it. Nothing by default: only a connection with no timeout of its own needs
     * watching.
     */
    default void abortIfStuck(long now, long timeoutNanos) {
    }

    /**
     * Closes the connection now, whatever it is doing; its thread fails out of its wait and counts
     * the failure as {@code reason} says; at the stop, a connect under way is abandoned. Any thread
     * may call it. A driver whose connections time out on their own ignores {@link CloseReason#TIMED_OUT}.
     */
    void closeFor(CloseReason reason);

    /** The problem line for driver {@code id} whose thread went on after {@link #closeFor} closed what it waits on. */
    default String didNotStop(int id) {
        return "connection " + id + " did not stop after its socket was closed";
    }
}
