package dev.echo.core.tls;

import java.io.EOFException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Which TLS failure a client met, read from the JDK's exceptions, and the line that says so. The JDK
 * tells the cases apart only in its messages and causes; the texts matched here are the ones the
 * JDK's own handshakes produce (ClientTlsTest runs each case), plus the alerts other servers (OpenSSL)
 * send for the same cases.
 */
enum TlsFailure {
    PLAIN_SERVER("the server does not speak TLS: it answered the TLS handshake with something else (a plain port?)"),
    CLOSED_IN_HANDSHAKE("the server closed the connection during the TLS handshake (not a TLS port, or it refused us"
            + " without saying why)"),
    UNKNOWN_CA("the server's certificate is not issued by a trusted CA (give its CA with --tls-ca)"),
    // Two CAs of one name, as two runs of echo-certs make: the trusted one's key did not sign the chain.
    CA_OF_THE_SAME_NAME("the server's certificate is not issued by a trusted CA: a trusted CA has its issuer's name"
            + " but did not sign it (a CA made anew, as by another echo-certs run? give its CA with --tls-ca)"),
    HOSTNAME_MISMATCH("the server's certificate is not valid for %s (host name verification; --tls-server-name"
            + " names the expected name)"),
    SERVER_CERTIFICATE_EXPIRED("the server's certificate has expired (or is not valid yet)"),
    // The JDK's key manager sends only a certificate from a CA that the server's request names.
    CLIENT_CERTIFICATE_REQUIRED("the server requires a client certificate from a CA it trusts and we sent none"
            + " (give one with --tls-cert and --tls-key; one from another CA is not sent)"),
    CLIENT_CERTIFICATE_REFUSED("the server refused our client certificate (%s)"),
    CLIENT_CERTIFICATE_REQUIRED_OR_REFUSED("the server requires a client certificate and got none it accepts (%s)"),
    PROTOCOL_MISMATCH("the server and the client have no TLS protocol version or cipher suite in common (%s)"),
    // After the handshake: text, another protocol, or records under keys not of this session.
    NOT_OF_THE_SESSION("the server sent data that is not TLS of this session (%s)"),
    HANDSHAKE_TIMEOUT("the TLS handshake did not complete in time (%s)"),
    OTHER("TLS failed: %s");

    private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");
    private static final Pattern NO_NAME = Pattern.compile(
            "No (?:subject alternative (?:DNS )?names? matching (?:IP address )?|name matching )(\\S+?)\\.? found");

    private final String line;

    TlsFailure(String line) {
        this.line = line;
    }

    /** The line for {@code failure}, or null when nothing in it is a TLS failure. */
    static String explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TlsHandshakeException) {
                return t.getMessage(); // already explained by ClientTls.connect
            }
            if (t instanceof TlsHandshakeTimeoutException late) {
                return String.format(Locale.ROOT, HANDSHAKE_TIMEOUT.line, "no answer within "
                        + ClientTls.format(late.timeout()));
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String line = explainOne(t);
            if (line != null) {
                return line;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return String.format(Locale.ROOT, OTHER.line, t.getMessage());
            }
        }
        return null;
    }

    /**
     * True if {@code failure} is, or was caused by, data from the server that is not TLS of this session:
     * a record header that is not TLS's ({@link RecordHeaderInputStream}), or a record that does not
     * decrypt (our own bad_record_mac; a server's alert of that name is about our records).
     */
    static boolean notOfTheSession(Throwable failure) {
        return notOfTheSessionReason(failure) != null;
    }

    private static String notOfTheSessionReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotTlsRecordException) {
                return t.getMessage();
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof SSLException && message.contains("(bad_record_mac)") && !message.contains("Received fatal alert")) {
                return "a record that does not decrypt: bad_record_mac";
            }
        }
        return null;
    }

    private static String explainOne(Throwable t) {
        String notOfTheSession = notOfTheSessionReason(t);
        if (notOfTheSession != null) {
            return String.format(Locale.ROOT, NOT_OF_THE_SESSION.line, notOfTheSession);
        }
        String message = String.valueOf(t.getMessage());
        if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
                || (t instanceof CertPathValidatorException v
                && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID))) {
            return SERVER_CERTIFICATE_EXPIRED.line;
        }
        if (t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return CA_OF_THE_SAME_NAME.line;
        }
        if (!(t instanceof SSLException || t instanceof EOFException
                || t instanceof java.security.cert.CertificateException || t instanceof CertPathValidatorException
                || t.getClass().getName().endsWith("SunCertPathBuilderException"))) {
            return null;
        }
        if (message.contains("Unsupported or unrecognized SSL message")) {
            return PLAIN_SERVER.line;
        }
        Matcher noName = NO_NAME.matcher(message);
        if (noName.find()) {
            return String.format(Locale.ROOT, HOSTNAME_MISMATCH.line, "'" + noName.group(1) + "'");
        }
        if (message.contains("PKIX path building failed") || message.contains("unable to find valid certification path")) {
            return UNKNOWN_CA.line;
        }
        Matcher alert = ALERT.matcher(message);
        if (alert.find()) {
            return alert(alert.group(1));
        }
        if (message.contains("No appropriate protocol") || message.contains("no cipher suites in common")
                || message.contains("No negotiable cipher suite")) {
            return String.format(Locale.ROOT, PROTOCOL_MISMATCH.line, message);
        }
        if (message.contains("Remote host terminated the handshake") || message.contains("SSL peer shut down incorrectly")) {
            return CLOSED_IN_HANDSHAKE.line;
        }
        return null;
    }

    /** The line for a connection that ended (reset, broken pipe, end of stream) in the middle of a handshake. */
    static String closedInHandshake() {
        return CLOSED_IN_HANDSHAKE.line;
    }

    /** What an alert from the server means for its client. */
    private static String alert(String name) {
        String said = "it sent the alert " + name;
        return switch (name) {
            case "certificate_required" -> CLIENT_CERTIFICATE_REQUIRED.line;
            // A JDK server sends bad_certificate both for no certificate and for one it cannot parse.
            case "bad_certificate" -> String.format(Locale.ROOT, CLIENT_CERTIFICATE_REQUIRED_OR_REFUSED.line, said);
            case "certificate_unknown", "unknown_ca", "certificate_expired", "certificate_revoked",
                 "unsupported_certificate", "access_denied", "decrypt_error" ->
                    String.format(Locale.ROOT, CLIENT_CERTIFICATE_REFUSED.line, said);
            case "protocol_version", "handshake_failure", "insufficient_security", "illegal_parameter",
                 "no_application_protocol" -> String.format(Locale.ROOT, PROTOCOL_MISMATCH.line, said);
            default -> String.format(Locale.ROOT, OTHER.line, said);
        };
    }
}
