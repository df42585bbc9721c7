package dev.echo.core;

import dev.echo.core.tls.ClientTls;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Why a connection to a server could not be made, in the words every tool uses after {@code cannot
 * connect to HOST:PORT: }. One place, so that the client, the load generator and the probe say the same:
 * the probe said only the host's name for an unknown host, and "Connection refused" where the others
 * said "connection refused".
 */
public final class ConnectFailures {
    private ConnectFailures() {}

    /**
     * The reason for {@code failure}: the TLS failure {@link ClientTls#explain} names, else connection
     * refused, no connection within {@code connectTimeout}, unknown host, no route to host, or the
     * exception's own message.
     */
    public static String reason(Throwable failure, Duration connectTimeout) {
        String tls = ClientTls.explain(failure); // before the timeout below: a late handshake is a SocketTimeoutException too
        if (tls != null) {
            return tls;
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        if (failure instanceof SocketTimeoutException) {
            return "no connection within " + Durations.format(connectTimeout);
        }
        if (failure instanceof UnknownHostException) {
            return "unknown host";
        }
        if (failure instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return String.valueOf(failure.getMessage());
    }
}
