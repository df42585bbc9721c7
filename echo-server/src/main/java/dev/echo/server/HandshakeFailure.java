package dev.echo.server;

import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;

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
    /**
     * The client's certificate was refused for anything but its issuer or dates: a chain longer than
     * the JDK accepts ({@code jdk.tls.server.maxInboundCertificateChainLength}, 8 by default), a
     * certificate that does not parse, a key usage that does not permit client authentication.
     */
    BAD_CLIENT_CERTIFICATE("bad_client_certificate"),
    /** The first bytes were not a TLS handshake record: a plain client, or something else. */
    NOT_TLS("not_tls"),
    /**
     * TLS records whose handshake messages do not parse or break the protocol's rules: a ClientHello
     * that does not decode, a server name that is no host name, a message out of order.
     */
    MALFORMED_HANDSHAKE("malformed_handshake"),
    /** The handshake was not complete within the handshake timeout. */
    TIMEOUT("handshake_timeout"),
    /**
     * The client refused our certificate (an alert of its own, whichever it names, except
     * protocol_version, handshake_failure and insufficient_security, which are a mismatch) or went
     * away during the handshake.
     */
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
        if (causedBy(failure, CertificateExpiredException.class) || causedBy(failure, CertificateNotYetValidException.class)) {
            return EXPIRED;
        }
        String message = messages(failure);
        // First the JDK's messages that quote the client's own bytes (a server name), so that no
        // client picks its label by the words it puts there; then the JDK's fixed texts.
        if (message.contains("illegal server name")) {
            return MALFORMED_HANDSHAKE;
        }
        if (message.contains("the certificate chain length (")) {
            return BAD_CLIENT_CERTIFICATE;
        }
        if (message.contains("no common named group")) { // an unexpected_message alert, but a mismatch
            return PROTOCOL_MISMATCH;
        }
        // The JDK words an alert the client sent as "Received fatal alert: NAME"; a name such as
        // unknown_ca is then the client's verdict on our certificate, not ours on the client's.
        if (message.contains("received fatal alert")) {
            return message.contains("protocol_version") || message.contains("handshake_failure")
                    || message.contains("insufficient_security") ? PROTOCOL_MISMATCH : CLIENT_ABORTED;
        }
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
        // The alert the server sends is named in the message, "(NAME) why", since JDK-8311644 (JDK 23,
        // and JDK 21 updates that took its backport); before it only the fixed texts and exception
        // types below tell, and some refusals stay OTHER.
        if (message.contains("failed to parse client certificates") || message.contains("key usage does not permit")
                || message.contains("(bad_certificate)") || message.contains("(unsupported_certificate)")
                || message.contains("(certificate_unknown)")) {
            return BAD_CLIENT_CERTIFICATE;
        }
        // The JDK throws SSLProtocolException, with no alert named, for much of what does not parse,
        // and says "unexpected end of handshake data" or "illegal handshake message" for lengths that
        // point past the message.
        if (causedBy(failure, SSLProtocolException.class) || message.contains("unexpected end of handshake data")
                || message.contains("illegal handshake message")
                || message.contains("(decode_error)") || message.contains("(illegal_parameter)")
                || message.contains("(unexpected_message)") || message.contains("(missing_extension)")
                || message.contains("(unsupported_extension)") || message.contains("(record_overflow)")
                || message.contains("(unrecognized_name)")) {
            return MALFORMED_HANDSHAKE;
        }
        if (message.contains("no cipher suites in common") || message.contains("protocol_version")
                || message.contains("not enabled or supported") || message.contains("not accepted by server preferences")
                || message.contains("no appropriate protocol") || message.contains("handshake_failure")) {
            return PROTOCOL_MISMATCH;
        }
        if (message.contains("unsupported or unrecognized ssl message")) {
            return NOT_TLS;
        }
        if (message.contains("remote host terminated")
                || failure instanceof EOFException || failure instanceof SocketException
                || message.contains("connection reset") || message.contains("broken pipe")) {
            return CLIENT_ABORTED;
        }
        return failure instanceof SSLException ? OTHER : CLIENT_ABORTED;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(' ').append(t.getMessage());
        }
        return all.toString().toLowerCase(Locale.ROOT);
    }
}
