package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.Framing;
import dev.echo.core.tls.PemFiles;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server name (SNI) that is no strict host name, as Go and OpenSSL clients send it for
 * docker-compose or Kubernetes names ({@code echo_server.internal}) or fully qualified ones with their
 * trailing dot ({@code localhost.}), is served by {@code bin/echo-server}: it presents its one
 * certificate whatever name is asked, so the name is no reason to refuse. The JDK's server refuses
 * such a name with illegal_parameter unless told to ignore the extension, which the launcher does.
 * Against a server started with {@code -Djdk.tls.server.disableExtensions=} (the JDK's default
 * restored) every case but the plain host name fails, counted {@code malformed_handshake}.
 */
class TlsServerNameIT {
    private static final int TIMEOUT_MILLIS = 10_000;

    @TempDir
    Path dir;

    @Test
    void serverNamesTheJdkCannotParseAreServedAndNothingIsCountedFailed() throws Exception {
        TlsPki pki = TlsPki.create(dir);
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
                "--tls-cert", pki.serverPem.toString(), "--tls-key", pki.serverKey.toString(), "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            int metrics = TlsSide.metricsPort(server);
            List<String> refused = new ArrayList<>();
            int answered = 0;
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                for (String name : List.of("echo_server.internal", "localhost.", "localhost")) {
                    String text = name + " over " + protocol;
                    try (WireClient client = connect(pki, port, protocol, name)) {
                        assertEquals(text, client.echo(text));
                        answered++;
                    } catch (IOException e) {
                        refused.add(text + ": " + e);
                    }
                }
            }
            String scrape = TlsSide.scrape(metrics);
            assertEquals(List.of(), refused, "expected every server name served; metrics: " + TlsSide.tlsLines(scrape));
            assertEquals(6, answered);
            assertEquals(6, TlsSide.sample(scrape, "echo_tls_handshakes_total", "result", "ok"), TlsSide.tlsLines(scrape));
            assertEquals(0, TlsSide.sample(scrape, "echo_tls_handshakes_total", "result", "failed"), TlsSide.tlsLines(scrape));
        }
    }

    /** A TLS connection whose ClientHello carries {@code serverName} as a host_name, byte for byte. */
    private static WireClient connect(TlsPki pki, int port, String protocol, String serverName) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        SSLSocket tls = (SSLSocket) context(pki).getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setServerNames(List.of(new RawHostName(serverName)));
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(TIMEOUT_MILLIS);
        tls.startHandshake();
        return WireClient.over(tls, Framing.DELIMITED);
    }

    private static SSLContext context(TlsPki pki) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(PemFiles.trustStore(pki.caPem));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new AssertionError("a client TLS context trusting " + pki.caPem, e);
        }
    }

    /**
     * A host_name the JDK's {@code SNIHostName} would refuse to make (it rejects underscores and a
     * trailing dot), sent as it is, the way other clients send it.
     */
    private static final class RawHostName extends SNIServerName {
        RawHostName(String name) {
            super(StandardConstants.SNI_HOST_NAME, name.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
