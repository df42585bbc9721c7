package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.TlsHandshakeTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectFailuresTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Test
    void eachNetworkFailureHasItsOwnWords() {
        assertEquals("connection refused", ConnectFailures.reason(new ConnectException("Connection refused"), TIMEOUT));
        assertEquals("no connection within 3s", ConnectFailures.reason(new SocketTimeoutException("Connect timed out"), TIMEOUT));
        assertEquals("unknown host", ConnectFailures.reason(new UnknownHostException("nosuch.invalid"), TIMEOUT));
        assertEquals("no route to host", ConnectFailures.reason(new NoRouteToHostException("No route"), TIMEOUT));
        assertEquals("Network is unreachable", ConnectFailures.reason(new IOException("Network is unreachable"), TIMEOUT));
    }

    /** A handshake past its deadline is a SocketTimeoutException too: it is named as the handshake's. */
    @Test
    void aLateHandshakeIsNamedAsTheHandshakesNotTheConnects() {
        String reason = ConnectFailures.reason(new TlsHandshakeTimeoutException(Duration.ofSeconds(2)), TIMEOUT);
        assertEquals(ClientTls.explain(new TlsHandshakeTimeoutException(Duration.ofSeconds(2))), reason);
        assertTrue(reason.contains("no answer within 2s"), reason);
        assertFalse(reason.contains("no connection within"), reason);
    }
}
