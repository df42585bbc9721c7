package dev.echo.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The standard development set of certificates: a fresh CA, a server and a client certificate, as PEM files. */
public final class DevCertificates {
    /** The names every development server certificate carries, before any extra ones. */
    public static final List<String> SERVER_NAMES = List.of("localhost", "127.0.0.1", "::1");
    public static final String CA_NAME = "echo development CA";
    public static final String SERVER_NAME = "localhost";
    public static final String CLIENT_NAME = "echo client";

    /** Clocks of two machines differ a little: certificates are valid from this long before they were made. */
    static final Duration BACKDATE = Duration.ofMinutes(1);

    private DevCertificates() {}

    /**
     * Issues a fresh CA and writes the standard development set into {@code dir} (made if missing):
     * {@code ca.pem}, {@code ca.key}, {@code server.pem} (the server certificate, then the CA's),
     * {@code server.key}, {@code client.pem}, {@code client.key}; keys are PKCS#8 PEM, 0600 where the
     * file system allows. Existing files are replaced, each at once. The server's SANs are {@link
     * #SERVER_NAMES} plus {@code extraNames} (DNS names or IP literals).
     *
     * @throws IllegalArgumentException for an extra name that is neither a DNS name nor an IP literal, or
     *     a validity that is not positive
     */
    public static DevCertificateSet write(Path dir, List<String> extraNames, Duration validity) throws IOException {
        List<String> sans = new ArrayList<>(SERVER_NAMES);
        for (String name : extraNames) {
            if (!CertificateAuthority.isValidSan(name)) {
                throw new IllegalArgumentException("not a DNS name or IP address: '" + name + "'");
            }
            if (!sans.contains(name)) {
                sans.add(name);
            }
        }
        CertificateAuthority ca = CertificateAuthority.create(CA_NAME, validity);
        Instant notBefore = Instant.now().minus(BACKDATE);
        Instant notAfter = notBefore.plus(BACKDATE).plus(validity);
        Issued server = ca.issueServer(SERVER_NAME, sans, notBefore, notAfter);
        Issued client = ca.issueClient(CLIENT_NAME, notBefore, notAfter);
        Files.createDirectories(dir);
        DevCertificateSet set = new DevCertificateSet(dir.resolve("ca.pem"), dir.resolve("ca.key"),
                dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("client.pem"),
                dir.resolve("client.key"), ca.certificate(), server.certificate(), client.certificate());
        ca.writeCertificate(set.caCertificate());
        ca.writeKey(set.caKey());
        server.writeChain(set.serverChain());
        server.writeKey(set.serverKey());
        client.writeChain(set.clientChain());
        client.writeKey(set.clientKey());
        return set;
    }
}
