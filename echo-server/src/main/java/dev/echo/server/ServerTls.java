package dev.echo.server;

import dev.echo.core.ConfigChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a server speaks TLS: where its certificate chain, private key and (for mutual TLS) client CA
 * bundle are, as PEM files, and the handshake's rules. Immutable; build one with {@link
 * #builder(Path, Path)}. The files are read when the server starts and again whenever they change
 * (checked every {@link #reloadCheckInterval()}); a change that does not load is refused and the
 * last good material stays in use.
 *
 * @param certificateChain PEM file: the server's certificate first, then any intermediates
 * @param privateKey PEM file: the certificate's key, as PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
 * @param clientCa PEM bundle of the CAs whose client certificates are accepted; null = no mutual TLS
 * @param clientAuth whether a client certificate is asked for; default {@link ClientAuth#REQUIRE}
 *     with a client CA, else {@link ClientAuth#NONE}
 * @param protocols the protocol versions offered, most preferred first; default {@link #DEFAULT_PROTOCOLS}
 * @param handshakeTimeout how long a new connection may take to complete its handshake, positive;
 *     default {@link #DEFAULT_HANDSHAKE_TIMEOUT}
 * @param reloadCheckInterval how often the files are checked for changes; zero = never; default
 *     {@link #DEFAULT_RELOAD_CHECK_INTERVAL}
 */
public record ServerTls(Path certificateChain, Path privateKey, @Nullable Path clientCa, ClientAuth clientAuth,
                        List<String> protocols, Duration handshakeTimeout, Duration reloadCheckInterval) {

    /** Whether the server asks each client for a certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** Asked for; a client without one is served, one with a certificate the CA did not issue is refused. */
        OPTIONAL,
        /** A client without a certificate the client CA issued is refused. */
        REQUIRE;

        /** The name on the command line: none, optional, require. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Protocol versions a server may offer: older ones are broken. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** @throws IllegalArgumentException naming the first bad value; NullPointerException for a null */
    public ServerTls {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(clientAuth, "clientAuth");
        ConfigChecks.check(clientAuth == ClientAuth.NONE || clientCa != null,
                "clientAuth " + clientAuth.cliName() + " needs a client CA file");
        protocols = List.copyOf(protocols);
        ConfigChecks.check(!protocols.isEmpty(), "protocols must name at least one of " + SUPPORTED_PROTOCOLS);
        for (String protocol : protocols) {
            ConfigChecks.check(SUPPORTED_PROTOCOLS.contains(protocol),
                    "protocol must be one of " + SUPPORTED_PROTOCOLS + ": " + protocol);
        }
        ConfigChecks.positive("handshakeTimeout", handshakeTimeout);
        ConfigChecks.notNegative("reloadCheckInterval", reloadCheckInterval);
    }

    /** A builder for TLS with {@code certificateChain} and {@code privateKey}, every other value its default. */
    public static Builder builder(Path certificateChain, Path privateKey) {
        return new Builder(certificateChain, privateKey);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(certificateChain, privateKey).clientCa(clientCa).clientAuth(clientAuth).protocols(protocols)
                .handshakeTimeout(handshakeTimeout).reloadCheckInterval(reloadCheckInterval);
    }

    /** True when the server asks clients for certificates. */
    public boolean mutual() {
        return clientAuth != ClientAuth.NONE;
    }

    /** Sets the values one by one; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private @Nullable Path clientCa;
        private @Nullable ClientAuth clientAuth;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration reloadCheckInterval = DEFAULT_RELOAD_CHECK_INTERVAL;

        private Builder(Path certificateChain, Path privateKey) {
            this.certificateChain = certificateChain;
            this.privateKey = privateKey;
        }

        public Builder certificateChain(Path certificateChain) {
            this.certificateChain = certificateChain;
            return this;
        }

        public Builder privateKey(Path privateKey) {
            this.privateKey = privateKey;
            return this;
        }

        /** The client CA bundle; null for none. */
        public Builder clientCa(@Nullable Path clientCa) {
            this.clientCa = clientCa;
            return this;
        }

        /** Unless set, {@link ClientAuth#REQUIRE} with a client CA and {@link ClientAuth#NONE} without. */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        public Builder protocols(List<String> protocols) {
            this.protocols = protocols;
            return this;
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
            return this;
        }

        public Builder reloadCheckInterval(Duration reloadCheckInterval) {
            this.reloadCheckInterval = reloadCheckInterval;
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad value */
        public ServerTls build() {
            ClientAuth auth = clientAuth != null ? clientAuth : clientCa == null ? ClientAuth.NONE : ClientAuth.REQUIRE;
            return new ServerTls(certificateChain, privateKey, clientCa, auth, protocols, handshakeTimeout,
                    reloadCheckInterval);
        }
    }
}
