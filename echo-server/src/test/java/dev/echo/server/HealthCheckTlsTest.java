package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container's health check against a TLS server: the same variables the image sets for the server. */
class HealthCheckTlsTest {
    @TempDir
    static Path dir;

    static TestCertificates pki;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestCertificates.create(dir);
    }

    private int check(Map<String, String> environment) {
        return HealthCheck.check(new String[0], environment, Duration.ofSeconds(5),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String said() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> tlsVariables(EchoServer server) {
        Map<String, String> environment = new HashMap<>();
        environment.put("ECHO_PORT", Integer.toString(server.port()));
        environment.put("ECHO_TLS_CERT", dir.resolve("server.pem").toString());
        environment.put("ECHO_TLS_KEY", dir.resolve("server.key").toString());
        return environment;
    }

    private static EchoServer tlsServer(boolean requireClients) throws Exception {
        ServerTls.Builder tls = ServerTls.builder(dir.resolve("server.pem"), dir.resolve("server.key"));
        if (requireClients) {
            tls.clientCa(dir.resolve("ca.pem"));
        }
        return TestServers.start(b -> b.tls(tls.build()));
    }

    @Test
    void aTlsServerIsCheckedOverTlsWithAnEcho() throws Exception {
        try (EchoServer server = tlsServer(false)) {
            assertEquals(0, check(tlsVariables(server)), said());
            assertTrue(said().startsWith("healthy: 127.0.0.1:" + server.port() + " echoed in "), said());
        }
    }

    @Test
    void aPlainCheckOfATlsServerWouldFailSoTheVariablesMatter() throws Exception {
        try (EchoServer server = tlsServer(false)) {
            assertEquals(1, check(Map.of("ECHO_PORT", Integer.toString(server.port()))), said());
        }
    }

    @Test
    void underRequireTheHealthChecksCertificateGivesAFullEcho() throws Exception {
        try (EchoServer server = tlsServer(true)) {
            Map<String, String> environment = tlsVariables(server);
            environment.put("ECHO_TLS_CLIENT_CA", dir.resolve("ca.pem").toString());
            environment.put("ECHO_HEALTHCHECK_TLS_CERT", dir.resolve("client.pem").toString());
            environment.put("ECHO_HEALTHCHECK_TLS_KEY", dir.resolve("client.key").toString());
            assertEquals(0, check(environment), said());
            assertTrue(said().contains(" echoed in "), said());
        }
    }

    @Test
    void underRequireWithoutACertificateTheHandshakeIsTheCheck() throws Exception {
        try (EchoServer server = tlsServer(true)) {
            Map<String, String> environment = tlsVariables(server);
            environment.put("ECHO_TLS_CLIENT_CA", dir.resolve("ca.pem").toString());
            assertEquals(0, check(environment), said());
            assertTrue(said().contains("completed the TLS handshake and requires a client certificate"), said());
        }
    }

    @Test
    void halfAHealthCheckCertificateIsUnhealthySayingWhy() throws Exception {
        try (EchoServer server = tlsServer(false)) {
            Map<String, String> environment = tlsVariables(server);
            environment.put("ECHO_HEALTHCHECK_TLS_CERT", dir.resolve("client.pem").toString());
            assertEquals(1, check(environment), said());
            assertTrue(said().contains("ECHO_HEALTHCHECK_TLS_CERT and ECHO_HEALTHCHECK_TLS_KEY go together"), said());
        }
    }
}
