package dev.echo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.ClientTls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client TLS options every connecting tool shares, from command line to ClientTls. */
class ClientTlsOptionsTest {
    static final CommandSpec SPEC = CommandSpec.builder("echo-tool").group("TLS", ClientTlsOptions.ALL).build();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ClientTls tls(String... args) throws UsageException {
        return ClientTlsOptions.clientTls(SPEC, SPEC.parse(args, Map.of()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noTlsOptionIsPlainTcp() throws Exception {
        assertSame(ClientTls.OFF, tls());
    }

    @Test
    void tlsAloneTrustsTheJdkCasAndVerifiesHostNames() throws Exception {
        ClientTls tls = tls("--tls");
        assertTrue(tls.enabled());
        assertEquals(null, tls.trustedCa());
        assertTrue(tls.verifiesHostname());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anyTlsOptionTurnsTlsOn() throws Exception {
        ClientTls tls = tls("--tls-server-name", "echo.example");
        assertTrue(tls.enabled());
        assertEquals("echo.example", tls.serverName());
    }

    @Test
    void skippingHostNameVerificationWarnsOnce() throws Exception {
        ClientTls tls = tls("--tls-insecure-skip-hostname-verification");
        assertFalse(tls.verifiesHostname());
        String warning = err.toString(StandardCharsets.UTF_8);
        assertTrue(warning.startsWith("echo-tool: warning: --tls-insecure-skip-hostname-verification"), warning);
        assertEquals(1, warning.lines().count(), warning);
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        UsageException e = assertThrows(UsageException.class, () -> tls("--tls-cert", cert.toString()));
        assertEquals("--tls-cert needs --tls-key (the certificate's private key)", e.getMessage());
    }

    @Test
    void aMissingFileIsABadValue() {
        UsageException e = assertThrows(UsageException.class, () -> tls("--tls-ca", dir.resolve("none.pem").toString()));
        assertEquals("invalid --tls-ca '" + dir.resolve("none.pem") + "': expected a readable file", e.getMessage());
    }

    @Test
    void aFileThatIsNotPemIsOneLineNamingIt() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello\n");
        UsageException e = assertThrows(UsageException.class, () -> tls("--tls-ca", notPem.toString()));
        assertTrue(e.getMessage().startsWith(notPem + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /** It was a connection error ("cannot connect") found only at the connect, an attacker's round saw. */
    @Test
    void aServerNameThatNoServerCanHaveIsABadValue() throws Exception {
        UsageException e = assertThrows(UsageException.class, () -> tls("--tls-server-name", "bad name!"));
        assertEquals("invalid --tls-server-name 'bad name!': expected a host name or IP address", e.getMessage());
        assertEquals("127.0.0.1", tls("--tls-server-name", "127.0.0.1").serverName());
        assertEquals("::1", tls("--tls-server-name", "::1").serverName());
        assertEquals("echo-1.internal", tls("--tls-server-name", "echo-1.internal").serverName());
        assertEquals("fe80::1", tls("--tls-server-name", "fe80::1").serverName());
        // Once taken for IP addresses (a colon, or only digits and dots), then failed at the connect (an attacker's round).
        for (String bad : new String[] {"localhost:8080", ":", "...", "1..2", "a:b:c", "localhost."}) {
            assertThrows(UsageException.class, () -> tls("--tls-server-name", bad), "expected '" + bad + "' refused");
        }
    }
}
