package dev.echo.client;

import javax.net.ssl.SSLException;

/**
 * Whether a failure is the server's refusal of this client: a fatal TLS alert it sent (no client
 * certificate, one of a CA it does not trust, no protocol in common). Under TLS 1.2 it fails the
 * handshake; under TLS 1.3 the server judges our certificate after our handshake ended, so it comes
 * on the first read. Either way it is the server's verdict on this client, which the same attempt gets
 * again; a timeout, a refused or reset connection is not one.
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
}
