package dev.echo.bench.netty;

import dev.echo.core.tls.PemFiles;
import dev.echo.core.tls.TlsMaterialException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The Netty peer's TLS: the same PEM files as echo-server's {@code --tls-*} options (read by
 * echo-core's {@link PemFiles}, so PKCS#1 and SEC1 keys work alike), the same protocols (TLSv1.3,
 * TLSv1.2), and the TLS implementation chosen: the JDK's, as echo-server uses, or OpenSSL
 * (BoringSSL through netty-tcnative) where it loads.
 */
public final class NettyTls {
    private NettyTls() {}

    /** Which TLS implementation the peer's {@code SslHandler} runs. */
    public enum Provider {
        JDK(SslProvider.JDK), OPENSSL(SslProvider.OPENSSL);

        private final SslProvider netty;

        Provider(SslProvider netty) {
            this.netty = netty;
        }

        /** Whether this implementation can run here (OpenSSL needs netty-tcnative on the class path). */
        public boolean available() {
            return this == JDK || io.netty.handler.ssl.OpenSsl.isAvailable();
        }
    }

    /**
     * A server context for {@code certificate}/{@code key}; with {@code clientCa}, client certificates
     * from it are required.
     *
     * @throws TlsMaterialException for a file that cannot be used, naming it
     * @throws SSLException if the provider refuses the material
     */
    public static SslContext serverContext(Path certificate, Path key, Path clientCa, Provider provider)
            throws TlsMaterialException, SSLException {
        List<X509Certificate> chain = PemFiles.certificates(certificate);
        PrivateKey privateKey = PemFiles.privateKey(key);
        if (!PemFiles.matches(privateKey, chain.get(0))) {
            throw new TlsMaterialException(key, "the private key does not match the certificate in " + certificate);
        }
        SslContextBuilder builder = SslContextBuilder.forServer(privateKey, chain.toArray(X509Certificate[]::new))
                .sslProvider(provider.netty).protocols("TLSv1.3", "TLSv1.2");
        if (clientCa != null) {
            builder.trustManager(PemFiles.certificates(clientCa).toArray(X509Certificate[]::new))
                    .clientAuth(ClientAuth.REQUIRE);
        }
        return builder.build();
    }
}
