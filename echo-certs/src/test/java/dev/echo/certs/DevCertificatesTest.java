package dev.echo.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.echo.core.tls.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The written set against the JDK's own TLS (PKIX validation, host name verification as HTTPS does it,
 * client authentication required) and against {@code openssl verify}.
 */
class DevCertificatesTest {
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void aMutualHandshakeSucceedsWithTheClientCertificateAndHostNameVerification(String host) throws Exception {
        DevCertificateSet set = DevCertificates.write(dir, List.of(), Duration.ofDays(2));
        try (SSLServerSocket server = server(set)) {
            CompletableFuture<String> peer = serveOne(server);
            try (SSLSocket client = client(set, true, host, server.getLocalPort())) {
                OutputStream out = client.getOutputStream();
                out.write(1);
                out.flush();
                assertEquals(1, client.getInputStream().read());
                assertEquals("CN=localhost", ((X509Certificate) client.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName());
            }
            assertEquals("CN=echo client", peer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void withoutAClientCertificateTheHandshakeFails() throws Exception {
        DevCertificateSet set = DevCertificates.write(dir, List.of(), Duration.ofDays(2));
        try (SSLServerSocket server = server(set)) {
            CompletableFuture<String> peer = serveOne(server);
            assertThrows(IOException.class, () -> {
                try (SSLSocket client = client(set, false, "localhost", server.getLocalPort())) {
                    client.getOutputStream().write(1);
                    client.getOutputStream().flush();
                    // TLS 1.3: the client learns of the refusal when it reads.
                    if (client.getInputStream().read() < 0) {
                        throw new SSLException("closed without an answer");
                    }
                }
            });
            assertTrue(peer.handle((name, failure) -> failure != null).get(TIMEOUT_MS, TimeUnit.MILLISECONDS),
                    "the server accepted a client without a certificate");
        }
    }

    @Test
    void aNameTheCertificateDoesNotCarryFailsHostNameVerification() throws Exception {
        DevCertificateSet set = DevCertificates.write(dir, List.of("echo.test"), Duration.ofDays(2));
        try (SSLServerSocket server = server(set)) {
            serveOne(server);
            SSLSocket client = client(set, true, "127.0.0.2", server.getLocalPort(), "127.0.0.1");
            try (client) {
                assertThrows(SSLException.class, client::startHandshake);
            }
        }
    }

    @Test
    void theFilesHoldWhatTheSetSaysWithPrivateKeysAndSans() throws Exception {
        DevCertificateSet set = DevCertificates.write(dir, List.of("echo.test", "10.1.2.3", "fd00::5"), Duration.ofDays(3));
        assertEquals(DevCertificateSet.FILE_NAMES, set.files().stream().map(p -> p.getFileName().toString()).toList());
        List<X509Certificate> chain = PemFiles.certificates(set.serverChain());
        assertEquals(List.of(set.server(), set.ca()), chain);
        assertTrue(PemFiles.matches(PemFiles.privateKey(set.serverKey()), set.server()));
        assertTrue(PemFiles.matches(PemFiles.privateKey(set.clientKey()), set.client()));
        assertTrue(PemFiles.matches(PemFiles.privateKey(set.caKey()), set.ca()));
        assertTrue(Files.readString(set.serverKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals("SANs DNS:localhost, IP:127.0.0.1, IP:::1, DNS:echo.test, IP:10.1.2.3, IP:fd00::5",
                PemFiles.describe(set.server()).split("; ")[1]);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), set.server().getExtendedKeyUsage());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), set.client().getExtendedKeyUsage());
        assertTrue(set.ca().getBasicConstraints() >= 0, "the CA is a CA");
        assertEquals(-1, set.server().getBasicConstraints());
        assertNotEquals(set.server().getSerialNumber(), set.client().getSerialNumber());
        Instant notAfter = set.server().getNotAfter().toInstant();
        assertTrue(Duration.between(Instant.now(), notAfter).compareTo(Duration.ofDays(3).minusMinutes(5)) > 0);
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(set.serverKey())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(set.caKey())));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(set.caCertificate())));
        }
        assertThrows(IllegalArgumentException.class, () -> DevCertificates.write(dir, List.of("bad name"), Duration.ofDays(1)));
    }

    @Test
    void opensslVerifiesTheServerAndClientAgainstTheCa() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "no /usr/bin/openssl: openssl verify not run");
        DevCertificateSet set = DevCertificates.write(dir, List.of(), Duration.ofDays(2));
        assertEquals(set.serverChain() + ": OK", openssl("verify", "-CAfile", set.caCertificate().toString(),
                "-purpose", "sslserver", "-verify_hostname", "localhost", set.serverChain().toString()));
        assertEquals(set.clientChain() + ": OK", openssl("verify", "-CAfile", set.caCertificate().toString(),
                "-purpose", "sslclient", set.clientChain().toString()));
        // The traditional forms, as openssl reads them.
        CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1), CertificateAuthority.KeyAlgorithm.RSA);
        Issued rsa = ca.issueServer("localhost", List.of("localhost"), Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
        rsa.writeKeyPkcs1OrSec1(dir.resolve("rsa.key"));
        assertTrue(Files.readString(dir.resolve("rsa.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(PemFiles.matches(PemFiles.privateKey(dir.resolve("rsa.key")), rsa.certificate()));
        assertEquals("RSA key ok", openssl("rsa", "-check", "-noout", "-in", dir.resolve("rsa.key").toString()));
    }

    @Test
    void serialsAreDistinctAndSec1KeysAreWritten() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1));
        Instant now = Instant.now();
        List<Object> serials = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            serials.add(ca.issueClient("c" + i, now, now.plusSeconds(60)).serial());
        }
        assertEquals(20, serials.stream().distinct().count());
        Issued ec = ca.issueClient("ec", now, now.plusSeconds(60));
        ec.writeKeyPkcs1OrSec1(dir.resolve("ec.key"));
        assertTrue(Files.readString(dir.resolve("ec.key")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(PemFiles.matches(PemFiles.privateKey(dir.resolve("ec.key")), ec.certificate()));
        assertThrows(IllegalArgumentException.class, () -> ca.issueServer("x", List.of("under_score!"), now, now.plusSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> ca.issueClient("x", now, now));
    }

    private static SSLServerSocket server(DevCertificateSet set) throws Exception {
        SSLContext context = context(PemFiles.keyStore(set.serverChain(), set.serverKey()), PemFiles.trustStore(set.caCertificate()));
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        server.setSoTimeout(TIMEOUT_MS);
        return server;
    }

    /** Accepts one connection, echoes a byte, completes with the client's subject or the failure. */
    private static CompletableFuture<String> serveOne(SSLServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(TIMEOUT_MS);
                InputStream in = socket.getInputStream();
                int b = in.read();
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("serve-one").start(task)); // blocks: not the common pool
    }

    private static SSLSocket client(DevCertificateSet set, boolean withCertificate, String host, int port) throws Exception {
        return client(set, withCertificate, host, port, host);
    }

    /** Connects to 127.0.0.1 (or {@code connectTo}) and verifies the server as {@code host}, as HTTPS does. */
    private static SSLSocket client(DevCertificateSet set, boolean withCertificate, String host, int port, String connectTo)
            throws Exception {
        KeyStore keys = withCertificate ? PemFiles.keyStore(set.clientChain(), set.clientKey()) : null;
        SSLContext context = context(keys, PemFiles.trustStore(set.caCertificate()));
        java.net.Socket socket = new java.net.Socket();
        socket.connect(new InetSocketAddress(InetAddress.getByName(connectTo.equals("localhost") ? "127.0.0.1" : connectTo), port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        // Layered with host as the peer's name: SNI and the HTTPS host name check use it, whatever was dialled.
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        return tls;
    }

    private static SSLContext context(KeyStore keys, KeyStore trust) throws Exception {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private String openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl did not finish: " + command);
        return Files.readString(log).strip();
    }
}
