package dev.echo.server;

import dev.echo.core.tls.PemFiles;
import dev.echo.core.tls.TlsMaterialException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One loaded set of TLS files: the JDK's {@link SSLContext} made from them and the parameters every
 * handshake gets. Immutable: a reload makes a new one, and connections keep the one they began with.
 */
final class TlsMaterial {
    private final SSLContext context;
    private final SSLParameters parameters;
    private final X509Certificate certificate;

    private TlsMaterial(SSLContext context, SSLParameters parameters, X509Certificate certificate) {
        this.context = context;
        this.parameters = parameters;
        this.certificate = certificate;
    }

    /**
     * Reads the files {@code tls} names and checks them: the key is the certificate's, the
     * certificate is valid now.
     *
     * @throws TlsMaterialException naming the file and what is wrong with it
     */
    static TlsMaterial load(ServerTls tls) throws TlsMaterialException {
        KeyStore keys = PemFiles.keyStore(tls.certificateChain(), tls.privateKey()); // checks the key is the certificate's
        X509Certificate leaf = PemFiles.certificates(tls.certificateChain()).get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new TlsMaterialException(tls.certificateChain(), "certificate expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new TlsMaterialException(tls.certificateChain(), "certificate not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        // Read whenever given, so that a bad CA file fails the start even under --tls-client-auth none.
        KeyStore clientCas = tls.clientCa() != null ? PemFiles.trustStore(tls.clientCa()) : null;
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            TrustManager[] trust = null;
            if (clientCas != null) {
                TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
                trustManagers.init(clientCas);
                trust = trustManagers.getTrustManagers();
                checkCaNamesFit(tls, trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trust, null);
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setProtocols(tls.protocols().toArray(new String[0]));
            switch (tls.clientAuth()) {
                case NONE -> parameters.setNeedClientAuth(false);
                case OPTIONAL -> parameters.setWantClientAuth(true);
                case REQUIRE -> parameters.setNeedClientAuth(true);
            }
            return new TlsMaterial(context, parameters, leaf);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(tls.privateKey(), "cannot make a TLS context from it and "
                    + tls.certificateChain().getFileName() + ": " + e.getMessage());
        }
    }

    /** What TLS 1.2's CertificateRequest holds of CA names: a vector of at most 2^16 - 1 bytes (RFC 5246 7.4.4). */
    static final int TLS12_CA_NAMES_MAX_BYTES = 65_535;

    /**
     * Under TLS 1.2 the server names every client CA in its CertificateRequest; a bundle whose names do
     * not fit made the JDK fail every TLS 1.2 handshake with internal_error, counted {@code other}, while
     * TLS 1.3 clients were served (about 1,000 CAs; an attacker pass found it with a corporate-sized bundle).
     */
    private static void checkCaNamesFit(ServerTls tls, TrustManager[] trust) throws TlsMaterialException {
        if (tls.clientAuth() == ServerTls.ClientAuth.NONE || !tls.protocols().contains("TLSv1.2")) {
            return;
        }
        int names = 0;
        long bytes = 0;
        for (TrustManager manager : trust) {
            if (manager instanceof X509TrustManager x509) {
                for (X509Certificate ca : x509.getAcceptedIssuers()) {
                    names++;
                    bytes += 2 + ca.getSubjectX500Principal().getEncoded().length; // each name has a 2-byte length
                }
            }
        }
        if (bytes > TLS12_CA_NAMES_MAX_BYTES) {
            throw new TlsMaterialException(tls.clientCa(), String.format(Locale.ROOT,
                    "its %,d CA names take %,d bytes, more than the %,d a TLS 1.2 certificate request holds:"
                            + " every TLS 1.2 handshake would fail; keep fewer CAs in it, or serve TLS 1.3 only"
                            + " (--tls-protocols TLSv1.3)", names, bytes, TLS12_CA_NAMES_MAX_BYTES));
        }
    }

    /**
     * A server-side TLS socket over {@code socket}, reading {@code records} (its TCP input); no I/O
     * yet. They are given as the bytes "consumed" already: the JDK reads those first and, since that
     * stream ends only with the TCP input, nothing else.
     */
    SSLSocket layer(Socket socket, RecordHeaderCheckingInputStream records) throws IOException {
        SSLSocket layered = (SSLSocket) context.getSocketFactory()
                // Not autoClose: after a failed handshake the JDK would close the TCP socket over the
                // client's unread bytes, a reset that can destroy the alert telling it why.
                .createSocket(socket, records, false);
        layered.setUseClientMode(false);
        layered.setSSLParameters(parameters);
        return layered;
    }

    /** The certificate served. */
    X509Certificate certificate() {
        return certificate;
    }

    /** When the certificate served expires. */
    Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** Subject, SANs, serial and not-after, one line. */
    String describe() {
        return PemFiles.describe(certificate);
    }

    /** For tests: the paths a config names. */
    static List<Path> files(ServerTls tls) {
        return tls.clientCa() == null ? List.of(tls.certificateChain(), tls.privateKey())
                : List.of(tls.certificateChain(), tls.privateKey(), tls.clientCa());
    }
}
