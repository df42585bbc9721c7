package dev.echo.server;

import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
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
    /** No protocol version, cipher suite, key exchange group or signature scheme both sides accept. */
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
    /**
     * The client sent more records than any handshake needs ({@link RecordLimits}): more than 4 alerts in
     * a row (warnings, which the JDK would read one by one until the timeout), or more than 256 records
     * before the handshake was complete (a message in tiny fragments, which the JDK reassembles at a
     * cost that grows with their square).
     */
    TOO_MANY_RECORDS("too_many_records"),
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
        String messages = messages(failure);
        for (Rule rule : RULES) {
            if (rule.matches(failure, messages)) {
                return rule.reason();
            }
        }
        return failure instanceof SSLException ? OTHER : CLIENT_ABORTED;
    }

    /**
     * How {@link #of} reads a failure, first match wins. The order matters: the JDK's messages that
     * quote the client's own bytes (a server name) come first, so that no client picks its label by
     * the words it puts there; an alert the client sent ("Received fatal alert: NAME", or a warning that
     * ends the handshake, "received handshake warning: NAME") comes before the
     * alert names, since unknown_ca from a client is its verdict on our certificate, not ours on its
     * certificate; the specific texts come before the general ones ("expired", "handshake_failure").
     * The alert the server sends is named in the message, "(NAME) why", since JDK-8311644 (JDK 23, and
     * JDK 21 updates that took its backport); before it only the fixed texts and exception types tell,
     * and some refusals stay {@link #OTHER}.
     */
    private static final List<Rule> RULES = List.of(
            Rule.typed(TOO_MANY_RECORDS, TooManyRecordsException.class),
            Rule.typed(EXPIRED, CertificateExpiredException.class, CertificateNotYetValidException.class),
            Rule.saying(MALFORMED_HANDSHAKE, "illegal server name"),
            Rule.saying(BAD_CLIENT_CERTIFICATE, "the certificate chain length ("),
            Rule.saying(PROTOCOL_MISMATCH, "no common named group"), // sent as unexpected_message
            // Sent as internal_error: the client offers no signature scheme our key can sign with.
            Rule.saying(PROTOCOL_MISMATCH, "no supported signature algorithm",
                    "no supported certificateverify signature algorithm"),
            Rule.saying(PROTOCOL_MISMATCH, "received fatal alert: protocol_version",
                    "received fatal alert: handshake_failure", "received fatal alert: insufficient_security",
                    "received handshake warning: protocol_version", "received handshake warning: handshake_failure",
                    "received handshake warning: insufficient_security"),
            // A warning the JDK takes as the end of a handshake (no_renegotiation, bad_certificate, ...) it
            // reports as "(handshake_failure) received handshake warning: NAME": the client's alert, not a mismatch;
            // SSL 3's no_certificate says what it says.
            Rule.saying(NO_CLIENT_CERTIFICATE, "received handshake warning: no_certificate"),
            Rule.saying(CLIENT_ABORTED, "received fatal alert", "received handshake warning"),
            Rule.saying(NO_CLIENT_CERTIFICATE, "empty client certificate chain", "certificate_required"),
            Rule.saying(UNKNOWN_CA, "pkix path", "unable to find valid certification path", "unknown_ca"),
            Rule.saying(EXPIRED, "expired", "not yet valid"),
            Rule.saying(BAD_CLIENT_CERTIFICATE, "failed to parse client certificates", "key usage does not permit",
                    "(bad_certificate)", "(unsupported_certificate)", "(certificate_unknown)"),
            // The JDK throws SSLProtocolException, with no alert named, for much of what does not parse,
            // and says "unexpected end of handshake data" or "illegal handshake message" for lengths
            // that point past the message.
            Rule.typed(MALFORMED_HANDSHAKE, SSLProtocolException.class),
            Rule.saying(MALFORMED_HANDSHAKE, "unexpected end of handshake data", "illegal handshake message",
                    "(decode_error)", "(illegal_parameter)", "(unexpected_message)", "(missing_extension)",
                    "(unsupported_extension)", "(record_overflow)", "(unrecognized_name)"),
            Rule.saying(PROTOCOL_MISMATCH, "no cipher suites in common", "protocol_version",
                    "not enabled or supported", "not accepted by server preferences", "no appropriate protocol",
                    "handshake_failure"),
            Rule.saying(NOT_TLS, "unsupported or unrecognized ssl message"),
            Rule.typed(CLIENT_ABORTED, EOFException.class, SocketException.class),
            Rule.saying(CLIENT_ABORTED, "remote host terminated", "connection reset", "broken pipe"));

    /** A failure is {@code reason} if an exception in its cause chain is one of {@code types}, or its messages contain one of {@code phrases}. */
    private record Rule(HandshakeFailure reason, List<Class<? extends Throwable>> types, List<String> phrases) {
        static Rule saying(HandshakeFailure reason, String... phrases) {
            return new Rule(reason, List.of(), List.of(phrases));
        }

        @SafeVarargs
        static Rule typed(HandshakeFailure reason, Class<? extends Throwable>... types) {
            return new Rule(reason, List.of(types), List.of());
        }

        boolean matches(Throwable failure, String messages) {
            return types.stream().anyMatch(type -> causedBy(failure, type)) || phrases.stream().anyMatch(messages::contains);
        }
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
