package dev.echo.server;

/**
 * The counters of one running server as seen in jconsole or VisualVM, under
 * {@code dev.echo:type=EchoServer,port=PORT,id=N}. Registered by {@link EchoServer#start()} and
 * unregistered by {@link EchoServer#close()}. See {@link ServerStats} for what each one counts.
 *
 * <p>Beside these, the registered MBean has one attribute per error code that a server sends, the
 * count of error answers with that code: {@code MalformedMessageErrors}, {@code EmptyRequestErrors},
 * {@code FrameTooLargeErrors}, {@code AddOverflowErrors}, {@code ServerBusyErrors},
 * {@code ShuttingDownErrors}. They are made from the protocol's enum, so a code added to it gets its
 * attribute without a getter here; one attribute per code, not a table, because jconsole shows and
 * charts a plain number.
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
