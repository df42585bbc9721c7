package dev.echo.server;

/**
 * Whether a connection's thread is waiting on its peer or on the machine, for the idle sweeper. A
 * virtual thread blocked in a socket read or write is parked (WAITING); once the socket is ready the
 * poller unparks it and it is RUNNABLE until it has run, which on a machine whose cores are all busy
 * can take longer than an idle timeout. That wait is the server's, not the client's, and must not
 * close the connection. A platform thread blocked in a socket call reports RUNNABLE too, so for one
 * the state tells nothing.
 */
final class VirtualThreadState {
    private VirtualThreadState() {}

    /** True if {@code thread} is a virtual thread that is running or ready to run: not waiting on a socket. */
    static boolean runnable(Thread thread) {
        return thread != null && thread.isVirtual() && thread.getState() == Thread.State.RUNNABLE;
    }
}
