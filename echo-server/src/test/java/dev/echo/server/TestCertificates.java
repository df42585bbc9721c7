package dev.echo.server;

import dev.echo.certs.CertificateAuthority;
import dev.echo.certs.Issued;
import dev.echo.core.tls.PemFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A CA and the certificates TLS tests need, as PEM files in {@code dir}: ca.pem, server.pem and
 * server.key (localhost, 127.0.0.1), client.pem and client.key, and on demand a client of another
 * CA, an expired client, a key that matches nothing; with the client contexts that use them.
 */
record TestCertificates(Path dir, CertificateAuthority ca, BigInteger serverSerial) {
    private static final Duration DAY = Duration.ofDays(1);

    static TestCertificates create(Path dir) throws IOException {
        CertificateAuthority ca = CertificateAuthority.create("echo test CA", Duration.ofDays(30));
        ca.writeCertificate(dir.resolve("ca.pem"));
        Instant now = Instant.now();
        Issued server = ca.issueServer("localhost", List.of("localhost", "127.0.0.1"),
                now.minus(DAY), now.plus(DAY.multipliedBy(10)));
        server.writeChain(dir.resolve("server.pem"));
        server.writeKey(dir.resolve("server.key"));
        Issued client = ca.issueClient("echo test client", now.minus(DAY), now.plus(DAY));
        client.writeChain(dir.resolve("client.pem"));
        client.writeKey(dir.resolve("client.key"));
        return new TestCertificates(dir, ca, server.serial());
    }

    /** Issues a new server certificate and key into the two files; returns its serial. */
    BigInteger reissueServer(Path chain, Path key) throws IOException {
        return reissueServer(chain, key, List.of("localhost", "127.0.0.1"));
    }

    /** Issues a new server certificate for {@code names} (its SANs) and its key into the two files; returns its serial. */
    BigInteger reissueServer(Path chain, Path key, List<String> names) throws IOException {
        Instant now = Instant.now();
        Issued server = ca.issueServer("localhost", names, now.minus(DAY), now.plus(DAY.multipliedBy(10)));
        server.writeChain(chain);
        server.writeKey(key);
        return server.serial();
    }

    /** A key file that belongs to no certificate here. */
    Path otherKey() throws IOException {
        Path key = dir.resolve("other.key");
        Instant now = Instant.now();
        ca.issueClient("nobody", now.minus(DAY), now.plus(DAY)).writeKey(key);
        return key;
    }

    /** Trusts the CA, presents the client certificate. */
    SSLContext clientContext() {
        return context(dir.resolve("client.pem"), dir.resolve("client.key"));
    }

    /** Trusts the CA, presents nothing. */
    SSLContext noClientCertificateContext() {
        return context(null, null);
    }

    /** Trusts the CA, presents a certificate of another CA. */
    SSLContext otherCaClientContext() throws IOException {
        Instant now = Instant.now();
        CertificateAuthority other = CertificateAuthority.create("another CA", Duration.ofDays(30));
        Issued client = other.issueClient("stranger", now.minus(DAY), now.plus(DAY));
        client.writeChain(dir.resolve("stranger.pem"));
        client.writeKey(dir.resolve("stranger.key"));
        // The JDK's key manager sends no certificate whose issuer the server did not name,
        // so the server would see "no certificate"; an attacker's client sends it anyway.
        return context(dir.resolve("stranger.pem"), dir.resolve("stranger.key"), 1, null);
    }

    /** Trusts the CA, presents its certificate that expired yesterday. */
    SSLContext expiredClientContext() throws IOException {
        Instant now = Instant.now();
        Issued client = ca.issueClient("late", now.minus(DAY.multipliedBy(3)), now.minus(DAY));
        client.writeChain(dir.resolve("expired.pem"));
        client.writeKey(dir.resolve("expired.key"));
        return context(dir.resolve("expired.pem"), dir.resolve("expired.key"));
    }

    /** Trusts the CA, presents the client certificate in a chain of {@code length} (the certificate repeated). */
    SSLContext longChainClientContext(int length) {
        return context(dir.resolve("client.pem"), dir.resolve("client.key"), length, null);
    }

    /** Presents the client certificate, judges the server's with {@code trust} instead of the CA. */
    SSLContext clientContextTrusting(TrustManager trust) {
        return context(dir.resolve("client.pem"), dir.resolve("client.key"), 0, new TrustManager[] {trust});
    }

    private SSLContext context(Path certificate, Path key) {
        return context(certificate, key, 0, null);
    }

    /**
     * {@code presentedChainLength} 0: the JDK's key manager as it is; else it always presents, a chain
     * that long. {@code trustManagers} null: trust the CA.
     */
    private SSLContext context(Path certificate, Path key, int presentedChainLength, TrustManager[] trustManagers) {
        try {
            if (trustManagers == null) {
                TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
                trust.init(PemFiles.trustStore(dir.resolve("ca.pem")));
                trustManagers = trust.getTrustManagers();
            }
            KeyManagerFactory keys = null;
            if (certificate != null) {
                KeyStore store = PemFiles.keyStore(certificate, key);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            KeyManager[] managers = keys == null ? null : keys.getKeyManagers();
            if (managers != null && presentedChainLength > 0) {
                managers = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) managers[0], presentedChainLength)};
            }
            context.init(managers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new AssertionError("test TLS context", e);
        }
    }

    /** Offers its one certificate whichever issuers the server names; in a chain padded to a length if asked. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;
        private final int chainLength;

        /** {@code chainLength} 1: the chain as it is. */
        AlwaysPresent(X509ExtendedKeyManager delegate, int chainLength) {
            this.delegate = delegate;
            this.chainLength = chainLength;
        }

        private String onlyAlias() {
            for (String type : new String[] {"EC", "RSA"}) {
                String[] aliases = delegate.getClientAliases(type, null);
                if (aliases != null && aliases.length > 0) {
                    return aliases[0];
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, null);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return onlyAlias();
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return onlyAlias();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            X509Certificate[] chain = delegate.getCertificateChain(alias);
            if (chain == null || chainLength <= chain.length) {
                return chain;
            }
            X509Certificate[] padded = Arrays.copyOf(chain, chainLength);
            Arrays.fill(padded, chain.length, chainLength, chain[0]);
            return padded;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }
}
