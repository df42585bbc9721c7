package dev.echo.server;

import java.util.Map;

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

    /** Error answers sent, by code name. */
    Map<String, Long> getErrors();

    long getBytesIn();

    long getBytesOut();
}
