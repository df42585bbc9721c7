package dev.echo.client;

import dev.echo.core.tls.ClientTls;
import javax.net.ssl.SSLException;

/**
 * Whether a failure is the server's refusal of this client: a fatal TLS alert it sent (no client
 * certificate, one of a CA it does not trust, no protocol in common). Under TLS 1.2 it fails the
 * handshake; under TLS 1.3 the server judges our certificate after our handshake ended, so it comes
 * on the first read. Either way it is the server's verdict on this client, which the same attempt gets
 * again; a timeout, a refused or reset connection is not one. Before any answer, data that is not TLS
 * of the session (text, a forged record) counts as one too: see {@link #notRetriedBecause}.
 */
final class TlsRefusal {
    private TlsRefusal() {}

    /**
     * True if {@code failure} is, or was caused by, a fatal alert received from the server (the JDK says
     * "Received fatal alert: NAME"; our own alerts, for a server certificate we refuse, do not).
     */
    static boolean byServer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException && String.valueOf(t.getMessage()).contains("Received fatal alert")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why requests a connection lost to {@code failure} before it answered anything are not sent again,
     * or null if they may be. A fatal alert from the server is its verdict on this client. Data that is
     * not TLS of the session (text, records under other keys) before any answer is the server's way of
     * speaking: five attempts made five handshakes to hear the same garbage (an attacker's finding).
     * After an answer, either is a connection failure like another (a record damaged on the way).
     */
    static String notRetriedBecause(Throwable failure) {
        if (byServer(failure)) {
            return "the server would refuse it again";
        }
        if (ClientTls.notTlsOfTheSession(failure)) {
            return "the server would send the same again";
        }
        return null;
    }
}
