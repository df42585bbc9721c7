package dev.echo.core.tls;

import dev.echo.core.ConfigChecks;
import dev.echo.core.Durations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client speaks TLS to an echo server, or {@link #OFF} for plain TCP. Immutable and
 * thread-safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ClientTls tls = ClientTls.builder()
 *         .trustedCa(Path.of("ca.pem"))                                       // else the JDK's CAs
 *         .clientCertificate(Path.of("client.pem"), Path.of("client.key"))    // mutual TLS
 *         .build();
 * try (Socket socket = tls.connect(address, "localhost", Duration.ofSeconds(5), Duration.ofSeconds(10))) { ... }
 * }</pre>
 *
 * <p>The server's certificate must be issued by a trusted CA and name the host the client meant
 * (host name verification, as HTTPS does it). That check is on unless {@link
 * Builder#insecureSkipHostnameVerification()} turns it off, whose name says what it costs: anyone
 * with any certificate from the CA can then pose as the server.
 *
 * <p>A failed handshake is an {@link IOException} whose message is {@link #explain}'s one line. With
 * TLS 1.3 the server judges a client certificate after the client's side of the handshake is done,
 * so a refused or missing client certificate shows on the first read instead: pass that failure to
 * {@link #explain} too.
 */
public final class ClientTls {
    /** Plain TCP: {@link #connect} returns a plain socket. */
    public static final ClientTls OFF = new ClientTls(false, null, null, null, null, true, List.of());

    /** The protocol versions offered unless {@link Builder#protocols} says otherwise, most preferred first. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** A dotted-quad IPv4 address, each part 0 to 255. */
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final boolean enabled;
    private final Path trustedCa;
    private final Path certificate;
    private final Path privateKey;
    private final String serverName;
    private final boolean verifyHostname;
    private final List<String> protocols;
    private final Object lock = new Object();
    private volatile SSLContext context;

    private ClientTls(boolean enabled, Path trustedCa, Path certificate, Path privateKey, String serverName,
                      boolean verifyHostname, List<String> protocols) {
        this.enabled = enabled;
        this.trustedCa = trustedCa;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.serverName = serverName;
        this.verifyHostname = verifyHostname;
        this.protocols = List.copyOf(protocols);
    }

    /** A builder for TLS that trusts the JDK's CAs, verifies host names and sends no client certificate. */
    public static Builder builder() {
        return new Builder();
    }

    /** True when connections speak TLS; false for {@link #OFF}. */
    public boolean enabled() {
        return enabled;
    }

    /** The PEM bundle of CAs trusted to issue the server's certificate, or null for the JDK's CAs. */
    public Path trustedCa() {
        return trustedCa;
    }

    /** The client certificate's PEM chain, or null when none is sent. */
    public Path certificate() {
        return certificate;
    }

    /** The client certificate's PEM private key, or null when none is sent. */
    public Path privateKey() {
        return privateKey;
    }

    /** The name sent as SNI and verified in the server's certificate instead of the host connected to, or null. */
    public String serverName() {
        return serverName;
    }

    /** Whether the server's certificate must name the host (true unless turned off, insecurely). */
    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** The protocol versions offered, most preferred first; empty for {@link #OFF}. */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * The SSL context, built from the files on first use and kept. Call it before connecting to
     * report bad files at once.
     *
     * @throws TlsMaterialException {@code <file>: <what is wrong>} for a file that cannot be used
     * @throws IllegalStateException for {@link #OFF}
     */
    public SSLContext context() throws TlsMaterialException {
        if (!enabled) {
            throw new IllegalStateException("TLS is off: there is no SSL context");
        }
        SSLContext built = context;
        if (built == null) {
            synchronized (lock) {
                built = context;
                if (built == null) {
                    built = buildContext();
                    context = built;
                }
            }
        }
        return built;
    }

    /**
     * Connects to {@code address} and, with TLS on, completes the handshake before returning.
     *
     * @param hostForVerification the host name or address the user asked for: sent as SNI and checked
     *     against the server's certificate, unless {@link #serverName()} is set
     * @param connectTimeout how long the TCP connection may take; zero = no limit
     * @param handshakeTimeout how long the whole handshake may take; zero = no limit
     * @return a connected socket ({@link SSLSocket} with its handshake done when TLS is on), read timeout 0
     * @throws IOException when the connection or the handshake fails; a handshake failure's message is
     *     {@link #explain}'s line, its cause the JDK's exception, and a late handshake a {@link
     *     TlsHandshakeTimeoutException}
     */
    public Socket connect(InetSocketAddress address, String hostForVerification, Duration connectTimeout,
                          Duration handshakeTimeout) throws IOException {
        return open(address, hostForVerification, connectTimeout, handshakeTimeout).socket();
    }

    /**
     * A connected socket and the TCP socket beneath it (the same socket without TLS). Closing an
     * {@link SSLSocket} sends close_notify first, which waits for any write blocked on a peer that
     * reads nothing, and then for room in the full send buffer itself: closing {@code tcp} ends the
     * connection at once, from any thread, and no close_notify is sent.
     */
    public record Connected(Socket socket, Socket tcp) {
        public Connected {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(tcp, "tcp");
        }
    }

    /**
     * Like {@link #connect}, for a caller that must be able to end the connection from another
     * thread whatever its writer is doing: also returns the TCP socket beneath.
     *
     * @throws IOException as {@link #connect} does
     */
    public Connected open(InetSocketAddress address, String hostForVerification, Duration connectTimeout,
                          Duration handshakeTimeout) throws IOException {
        Objects.requireNonNull(address, "address");
        ConfigChecks.host("hostForVerification", hostForVerification);
        ConfigChecks.notNegative("connectTimeout", connectTimeout);
        ConfigChecks.notNegative("handshakeTimeout", handshakeTimeout);
        SSLContext sslContext = enabled ? context() : null; // bad files fail before any connection
        Socket plain = new Socket();
        try {
            plain.connect(address, millis(connectTimeout));
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
        if (!enabled) {
            return new Connected(plain, plain);
        }
        return new Connected(handshake(sslContext, plain, address, hostForVerification, handshakeTimeout), plain);
    }

    private SSLSocket handshake(SSLContext sslContext, Socket plain, InetSocketAddress address, String host,
                                Duration timeout) throws IOException {
        String expected = serverName != null ? serverName : host;
        SSLSocket socket;
        CheckedInputSocket checked;
        try {
            checked = new CheckedInputSocket(plain);
            socket = (SSLSocket) sslContext.getSocketFactory().createSocket(checked, expected, address.getPort(), true);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = null;
        try {
            socket.setSSLParameters(parameters(socket.getSSLParameters(), expected));
            if (!timeout.isZero()) {
                // A read timeout alone lets a server that trickles bytes stretch the handshake forever.
                socket.setSoTimeout(millis(timeout));
                deadline = HandshakeDeadlines.schedule(timeout, () -> {
                    expired.set(true);
                    closeQuietly(socket);
                });
            }
            socket.startHandshake();
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (expired.get()) { // the deadline won the race just as the handshake ended
                throw new java.net.SocketException("closed at the handshake deadline");
            }
            socket.setSoTimeout(0);
            checked.handshakeComplete();
            return socket;
        } catch (IOException | RuntimeException e) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            closeQuietly(socket);
            if (expired.get() || e instanceof java.net.SocketTimeoutException) {
                TlsHandshakeTimeoutException late = new TlsHandshakeTimeoutException(timeout);
                late.initCause(e);
                throw late;
            }
            String line = explain(e);
            if (line == null && (e instanceof java.net.SocketException || e instanceof java.io.EOFException)) {
                line = TlsFailure.closedInHandshake(); // a reset or broken pipe is the server leaving mid-handshake
            }
            if (line == null) {
                throw e;
            }
            throw new TlsHandshakeException(line, e);
        }
    }

    private SSLParameters parameters(SSLParameters parameters, String expected) {
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (!isIpLiteral(expected)) {
            parameters.setServerNames(List.of(new SNIHostName(expected)));
        }
        // "HTTPS" is RFC 2818's check: a DNS or IP subject alternative name must match the host.
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        return parameters;
    }

    private SSLContext buildContext() throws TlsMaterialException {
        KeyStore trustStore = trustedCa == null ? null : PemFiles.trustStore(trustedCa); // null = the JDK's cacerts
        KeyStore keyStore = certificate == null ? null : PemFiles.keyStore(certificate, privateKey);
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            KeyManager[] keys = null;
            if (keyStore != null) {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keyStore, new char[0]);
                keys = factory.getKeyManagers();
            }
            SSLContext built = SSLContext.getInstance("TLS");
            built.init(keys, trust.getTrustManagers(), null);
            return built;
        } catch (GeneralSecurityException e) {
            Path file = certificate != null ? certificate : trustedCa;
            throw new TlsMaterialException(file == null ? Path.of("<the JDK's trust store>") : file,
                    "cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The one line that tells a user which TLS failure {@code failure} is, or null when it is not a TLS
     * failure (a refused connection, a reset after the handshake): a TLS client meeting a plain server,
     * a server certificate from an unknown CA, one that does not name the host, one that has expired, a
     * server that requires a client certificate or refused ours, no protocol or cipher in common, a
     * handshake that took too long. The line does not name the server; callers put {@code host:port: }
     * before it. Looks through the causes, so a wrapped failure is recognized too.
     */
    public static String explain(Throwable failure) {
        return TlsFailure.explain(failure);
    }

    /**
     * True if {@code failure} is the server sending, after the handshake, data that is not TLS of this
     * session: text or another protocol (a record header that is not TLS's), or a record that does not
     * decrypt. {@link #explain} says so; a client may take it for the server's way, not a passing fault.
     */
    public static boolean notTlsOfTheSession(Throwable failure) {
        return TlsFailure.notOfTheSession(failure);
    }

    /** {@code TLS (JDK CAs, host name verified)}, or {@code plain TCP} for {@link #OFF}: for start lines. */
    @Override
    public String toString() {
        if (!enabled) {
            return "plain TCP";
        }
        List<String> parts = new ArrayList<>();
        parts.add(trustedCa == null ? "JDK CAs" : "CA " + trustedCa);
        if (certificate != null) {
            parts.add("client certificate " + certificate);
        }
        if (serverName != null) {
            parts.add("server name " + serverName);
        }
        parts.add(verifyHostname ? "host name verified" : "host name NOT verified");
        return "TLS (" + String.join(", ", parts) + ")";
    }

    /**
     * {@code name}, if a server can be asked for it: an IP address, or a host name that SNI can carry
     * (the JDK's rules: letters, digits and hyphens in dot-separated labels). Checked when the
     * settings are built, so that a name like {@code bad name!} is a usage mistake, not a failed connection.
     *
     * @throws IllegalArgumentException naming the bad name
     */
    public static String checkServerName(String name) {
        ConfigChecks.host("serverName", name);
        if (!isIpLiteral(name)) {
            try {
                new SNIHostName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a host name or IP address: '" + name + "'", e);
            }
        }
        return name;
    }

    /**
     * A dotted-quad IPv4 address or an IPv6 address (no scope): parsed without a DNS lookup, since
     * the JDK reads a text with a colon as IPv6 only and the rest is checked here first.
     */
    private static boolean isIpLiteral(String host) {
        if (IPV4.matcher(host).matches()) {
            return true;
        }
        if (host.indexOf(':') < 0 || !host.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int millis(Duration duration) {
        if (duration.isZero()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed; the failure that matters is already on its way
        }
    }

    /** Sets TLS up step by step; {@link #build()} checks the combination. Not thread-safe. */
    public static final class Builder {
        private Path trustedCa;
        private Path certificate;
        private Path privateKey;
        private String serverName;
        private boolean verifyHostname = true;
        private List<String> protocols = DEFAULT_PROTOCOLS;

        private Builder() {}

        /** Trust the CAs in this PEM bundle (and no others) to issue the server's certificate; null = the JDK's CAs. */
        public Builder trustedCa(Path caFile) {
            this.trustedCa = caFile;
            return this;
        }

        /** Present this certificate chain and key (PEM) when the server asks for one (mutual TLS); nulls = none. */
        public Builder clientCertificate(Path certificateFile, Path privateKeyFile) {
            this.certificate = certificateFile;
            this.privateKey = privateKeyFile;
            return this;
        }

        /** Send {@code name} as SNI and expect it in the server's certificate, instead of the host connected to; null = that host. */
        public Builder serverName(String name) {
            this.serverName = name;
            return this;
        }

        /**
         * Accept a server certificate from a trusted CA whatever host it names. Insecure: any holder of
         * a certificate from that CA can then pose as the server. For tests against a certificate made
         * for another name; {@link #serverName} is the safe way to say which name to expect.
         */
        public Builder insecureSkipHostnameVerification() {
            this.verifyHostname = false;
            return this;
        }

        /** The protocol versions to offer, most preferred first; default {@link #DEFAULT_PROTOCOLS}. */
        public Builder protocols(List<String> versions) {
            this.protocols = List.copyOf(versions);
            return this;
        }

        /**
         * @throws IllegalArgumentException for a certificate without its key (or the reverse), a server
         *     name that is not a host name or IP address ({@link #checkServerName}) or no protocol
         */
        public ClientTls build() {
            ConfigChecks.check((certificate == null) == (privateKey == null),
                    "a client certificate needs both its certificate and its private key file: certificate="
                            + certificate + ", key=" + privateKey);
            if (serverName != null) {
                checkServerName(serverName);
            }
            ConfigChecks.check(!protocols.isEmpty(), "protocols must name at least one protocol version");
            return new ClientTls(true, trustedCa, certificate, privateKey, serverName, verifyHostname, protocols);
        }
    }

    /** Formats a duration for the messages of this package. */
    static String format(Duration duration) {
        return Durations.format(duration);
    }
}
