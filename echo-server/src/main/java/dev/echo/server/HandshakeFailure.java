package dev.echo.server;

import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why a TLS handshake failed, as the server counts and reports it ({@link TlsStats}, metric label
 * {@link #label()}).
 * Read from the JDK's exception: its type and cause chain where they are specific, its message where
 * they are not (the JDK reports most refusals as an {@code SSLHandshakeException} whose message
 * names the alert).
 */
public enum HandshakeFailure {
    /** The client sent no certificate where one is required. */
    NO_CLIENT_CERTIFICATE("no_client_certificate"),
    /** The client's certificate was not issued by the client CA. */
    UNKNOWN_CA("unknown_ca"),
    /** The client's certificate has expired or is not yet valid. */
    EXPIRED("expired_certificate"),
    /** No protocol version or cipher suite both sides accept. */
    PROTOCOL_MISMATCH("protocol_or_cipher_mismatch"),
    /** The first bytes were not a TLS handshake record: a plain client, or something else. */
    NOT_TLS("not_tls"),
    /** The handshake was not complete within the handshake timeout. */
    TIMEOUT("handshake_timeout"),
    /** The client refused our certificate (an alert of its own) or went away during the handshake. */
    CLIENT_ABORTED("client_aborted"),
    /** The server stopped before the handshake was complete: nobody's fault, counted apart from the client's leaving. */
    SERVER_STOPPED("server_stopped"),
    /** Anything else. */
    OTHER("other");

    private final String label;

    HandshakeFailure(String label) {
        this.label = label;
    }

    /** The metric label and the word in log lines. */
    public String label() {
        return label;
    }

    /** The reason for a handshake that threw {@code failure} (a timeout is known by the caller, not from this). */
    static HandshakeFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return EXPIRED;
            }
        }
        String message = messages(failure);
        if (message.contains("empty client certificate chain") || message.contains("certificate_required")) {
            return NO_CLIENT_CERTIFICATE;
        }
        if (message.contains("pkix path") || message.contains("unable to find valid certification path")
                || message.contains("unknown_ca")) {
            return UNKNOWN_CA;
        }
        if (message.contains("expired") || message.contains("not yet valid")) {
            return EXPIRED;
        }
        if (message.contains("no cipher suites in common") || message.contains("protocol_version")
                || message.contains("not enabled or supported") || message.contains("not accepted by server preferences")
                || message.contains("no appropriate protocol") || message.contains("handshake_failure")) {
            return PROTOCOL_MISMATCH;
        }
        if (message.contains("unsupported or unrecognized ssl message")) {
            return NOT_TLS;
        }
        if (message.contains("received fatal alert") || message.contains("remote host terminated")
                || failure instanceof EOFException || failure instanceof SocketException
                || message.contains("connection reset") || message.contains("broken pipe")) {
            return CLIENT_ABORTED;
        }
        return failure instanceof SSLException ? OTHER : CLIENT_ABORTED;
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(' ').append(t.getMessage());
        }
        return all.toString().toLowerCase(Locale.ROOT);
    }
}
