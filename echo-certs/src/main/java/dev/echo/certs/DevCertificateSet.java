package dev.echo.certs;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What {@link DevCertificates#write} wrote: the six files and the three certificates in them.
 *
 * @param caCertificate {@code ca.pem}, the CA to trust on both sides
 * @param caKey {@code ca.key}, to issue more later
 * @param serverChain {@code server.pem}: the server certificate, then the CA's
 * @param serverKey {@code server.key}
 * @param clientChain {@code client.pem}: the client certificate, then the CA's
 * @param clientKey {@code client.key}
 */
public record DevCertificateSet(Path caCertificate, Path caKey, Path serverChain, Path serverKey, Path clientChain,
                                Path clientKey, X509Certificate ca, X509Certificate server, X509Certificate client) {
    /** The file names {@link DevCertificates#write} uses, in the order it writes them. */
    public static final List<String> FILE_NAMES =
            List.of("ca.pem", "ca.key", "server.pem", "server.key", "client.pem", "client.key");

    /** The six files, in {@link #FILE_NAMES}' order. */
    public List<Path> files() {
        return List.of(caCertificate, caKey, serverChain, serverKey, clientChain, clientKey);
    }
}
