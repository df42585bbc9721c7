package dev.echo.server;

/**
 * The counters of one running server as seen in jconsole or VisualVM, under
 * {@code dev.echo:type=EchoServer,port=PORT,id=N}. Registered by {@link EchoServer#start()} and
 * unregistered by {@link EchoServer#close()}. See {@link ServerStats} for what each one counts.
 */
public interface EchoServerMXBean {
    String getAddress();

    String getFraming();

    String getThreadMode();

    boolean isRunning();

    long getConnectionsAccepted();

    long getConnectionsActive();

    long getConnectionsRejected();

    long getEchoRequests();

    long getAddRequests();

    long getRequestsAnswered();

    // Error answers sent, one attribute per code (a table of codes is awkward to read and to chart in
    // jconsole); a code added to the protocol gets its attribute here (ServerMXBeanTest checks).

    long getMalformedMessageErrors();

    long getEmptyRequestErrors();

    long getFrameTooLargeErrors();

    long getAddOverflowErrors();

    long getServerBusyErrors();

    long getShuttingDownErrors();

    /** Error answers of every code. */
    long getErrorTotal();

    long getBytesIn();

    long getBytesOut();

    /** Connections closed for not completing a frame within the idle timeout. */
    long getIdleTimeouts();

    /** Connections closed because their answers made no progress for the idle timeout. */
    long getWriteTimeouts();

    /** Connections refused because their frame needed more than the buffer budget had left. */
    long getBufferBudgetRefusals();

    /** Bytes of the buffer budget in use right now, and its bound. */
    long getBufferedBytes();

    long getMaxBufferedBytes();
}
