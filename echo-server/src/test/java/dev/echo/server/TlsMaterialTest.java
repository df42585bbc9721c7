package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.certs.CertificateAuthority;
import dev.echo.core.Framing;
import dev.echo.core.tls.TlsMaterialException;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client CA bundle whose names do not fit TLS 1.2's CertificateRequest (an attacker pass: about
 * 1,000 CAs made every TLS 1.2 handshake fail with internal_error, counted {@code other}, at start or
 * after a reload, while TLS 1.3 clients were served). Refused when loaded, naming the file and the
 * numbers; a bundle that fits serves TLS 1.2 clients; TLS 1.3 alone takes the large one.
 */
class TlsMaterialTest {
    /** Names of 64 characters, the most RFC 5280 allows a CN: about 79 bytes each in the request. */
    private static final String LONG_NAME = "x".repeat(60);
    /** About 67 KB of names: more than TLS 1.2 holds. */
    private static final int TOO_MANY = 850;
    /** About 28 KB of names: a JDK client takes a handshake message of at most 32 KiB (jdk.tls.maxHandshakeMessageSize). */
    private static final int MANY = 350;

    @TempDir
    Path dir;

    @Test
    void aClientCaBundleWhoseNamesDoNotFitTls12IsRefusedNamingTheFile() throws IOException {
        TestCertificates pki = TestCertificates.create(dir);
        Path bundle = bundle(pki, TOO_MANY);
        ServerTls tls = tls(pki, bundle, ServerTls.DEFAULT_PROTOCOLS);
        TlsMaterialException refused = assertThrows(TlsMaterialException.class, () -> TlsMaterial.load(tls));
        assertTrue(refused.getMessage().contains(bundle.toString()) && refused.getMessage().contains((TOO_MANY + 1) + " CA names take")
                && refused.getMessage().contains("more than the 65,535 a TLS 1.2 certificate request holds")
                && refused.getMessage().contains("--tls-protocols TLSv1.3"), refused.getMessage());

        TlsMaterial.load(tls(pki, bundle, List.of("TLSv1.3"))); // TLS 1.3 names no CAs: loads
        TlsMaterial.load(tls.toBuilder().clientAuth(ServerTls.ClientAuth.NONE).build()); // asks for no certificate
    }

    /** The bound is TLS 1.2's, not ours: 350 long names (about 28 KB) load and serve a mutual TLS 1.2 client. */
    @Test
    void aLargeBundleThatFitsServesTls12Clients() throws IOException {
        TestCertificates pki = TestCertificates.create(dir);
        ServerTls tls = tls(pki, bundle(pki, MANY), ServerTls.DEFAULT_PROTOCOLS);
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).tls(tls).build()).start();
             WireClient client = WireClient.over(TlsTestSockets.tlsSocket(server, pki.clientContext(), "TLSv1.2"),
                     Framing.DELIMITED)) {
            assertEquals("served", client.echo("served"));
        }
    }

    /** The test CA, then {@code extra} CAs with names of 64 characters, in one PEM file. */
    private Path bundle(TestCertificates pki, int extra) throws IOException {
        Path bundle = dir.resolve("bundle-" + extra + ".pem");
        Files.copy(dir.resolve("ca.pem"), bundle);
        Path one = dir.resolve("one.pem");
        for (int i = 0; i < extra; i++) {
            CertificateAuthority.create(LONG_NAME + String.format("%04d", i), Duration.ofDays(2)).writeCertificate(one);
            Files.write(bundle, Files.readAllBytes(one), StandardOpenOption.APPEND);
        }
        return bundle;
    }

    private static ServerTls tls(TestCertificates pki, Path clientCa, List<String> protocols) {
        return ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(clientCa).clientAuth(ServerTls.ClientAuth.REQUIRE).protocols(protocols).build();
    }
}
