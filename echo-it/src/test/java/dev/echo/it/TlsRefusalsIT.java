package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.PemFiles;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a client can be refused by a mutual-TLS server process ({@code --tls-client-auth require}):
 * a plain request to the TLS port, TLS to a plain port, garbage after the handshake, no client
 * certificate, an expired one, one from another CA. Each is refused, counted under its own reason on
 * {@code /metrics}, and the client is told which it was ({@link ClientTls#explain}'s line); legitimate
 * TLS clients on the same server keep being answered throughout.
 */
class TlsRefusalsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void eachRefusalIsCountedUnderItsOwnReasonAndTheClientIsToldWhichItWas() throws Exception {
        TlsPki pki = TlsPki.create(dir);
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
                "--tls-cert", pki.serverPem.toString(), "--tls-key", pki.serverKey.toString(),
                "--tls-client-ca", pki.caPem.toString(), "--tls-client-auth", "require", "--log-level", "warn").start();
             ServerProcess plainServer = ServerJar.process().name("echo-server-plain")
                     .args("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0", "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            int plainPort = plainServer.awaitPort(Duration.ofSeconds(30));
            int metrics = TlsSide.metricsPort(server);
            int plainMetrics = TlsSide.metricsPort(plainServer);
            ClientTls legitimate = TlsSide.presenting(pki, pki.clientPem, pki.clientKey);

            try (TlsSide.Measured measured = TlsSide.Measured.start(legitimate, port, 4)) {
                measured.awaitEveryClientAnswered(20, WAIT);
                long failuresBefore = measured.failures();
                Map<String, String> told = new LinkedHashMap<>();

                // A plain client is answered in clear text, in its own framing, that the port speaks TLS.
                try (WireClient plain = WireClient.connect(port)) {
                    ServerMessage answer = plain.call(Messages.echo("hello in clear text"));
                    assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, answer.getError().getCode(), answer.toString());
                    assertTrue(answer.getError().getDetail().startsWith("this port speaks TLS"), answer.toString());
                    told.put("plain to TLS", answer.getError().getDetail());
                }
                awaitCount(metrics, "echo_tls_handshake_failures_total", "reason", "not_tls", 1);

                // TLS to a plain port: the ClientHello's first bytes read as a delimited frame of 22 bytes that
                // does not parse, so the plain server counts a malformed message and answers it in clear text,
                // which the client's TLS takes for what it is; a plain client of that server is still answered.
                // At least one: the rest of the hello reads as more frames, as many as its random bytes make
                // (40 hellos sent to a plain server counted 1 to 23 MALFORMED_MESSAGE each, 2026-12-06).
                IOException toPlain = refused(() -> TlsSide.connect(legitimate, plainPort).echo("x"));
                told.put("TLS to plain", explained(toPlain, "the server does not speak TLS"));
                Await.until("the plain server counted a malformed message", WAIT, () -> TlsSide.sample(
                        TlsSide.scrapeOrEmpty(plainMetrics), "echo_errors_total", "code", "MALFORMED_MESSAGE") >= 1,
                        () -> TlsSide.scrapeOrEmpty(plainMetrics).lines().filter(l -> l.startsWith("echo_")).toList().toString());
                try (WireClient plain = WireClient.connect(plainPort)) {
                    assertEquals("still plain", plain.echo("still plain"));
                }

                // Garbage after a good handshake: the connection is closed with the alert bad_record_mac, and the
                // bad record counted.
                String garbage = garbageAfterHandshake(pki, port);
                assertTrue(garbage.contains("bad_record_mac"), "expected the client told bad_record_mac, it saw: " + garbage);
                told.put("garbage after handshake", garbage);
                awaitCount(metrics, "echo_tls_bad_records_total", null, null, 1);

                // A TLS 1.2 client asking for a new handshake on its connection: refused and the connection
                // closed (the launcher sets jdk.tls.rejectClientInitiatedRenegotiation; each would cost a handshake).
                told.put("client renegotiation", renegotiation(pki, port));
                awaitCount(metrics, "echo_tls_bad_records_total", null, null, 2);

                IOException none = refused(() -> TlsSide.connect(TlsSide.trusting(pki), port).echo("no certificate"));
                told.put("no client certificate", explained(none, "client certificate"));
                awaitCount(metrics, "echo_tls_handshake_failures_total", "reason", "no_client_certificate", 1);

                IOException expired = refused(() -> connectPresenting(pki, pki.expiredClientPem, pki.expiredClientKey, port));
                told.put("expired client certificate", explained(expired, "refused our client certificate"));
                awaitCount(metrics, "echo_tls_handshake_failures_total", "reason", "expired_certificate", 1);

                IOException otherCa = refused(() -> connectPresenting(pki, pki.strangerPem, pki.strangerKey, port));
                told.put("client certificate of another CA", explained(otherCa, "refused our client certificate"));
                awaitCount(metrics, "echo_tls_handshake_failures_total", "reason", "unknown_ca", 1);

                // Nothing else was counted: each refusal under its own reason, once.
                String scrape = TlsSide.scrape(metrics);
                for (String other : new String[] {"handshake_timeout", "protocol_or_cipher_mismatch", "client_aborted",
                        "bad_client_certificate", "malformed_handshake", "too_many_records", "other"}) {
                    assertEquals(0, TlsSide.sample(scrape, "echo_tls_handshake_failures_total", "reason", other),
                            "expected no " + other + " counted: " + TlsSide.tlsLines(scrape));
                }
                assertEquals(4, TlsSide.sample(scrape, "echo_tls_handshakes_total", "result", "failed"),
                        "expected exactly the 4 refused handshakes of this server failed: " + TlsSide.tlsLines(scrape));

                long answersBefore = measured.answers();
                Await.until("the legitimate clients still answered", WAIT, () -> measured.answers() >= answersBefore + 50,
                        measured::summary);
                assertEquals(failuresBefore, measured.failures(), "expected the legitimate TLS clients undisturbed: " + measured.summary());
                System.out.println("TlsRefusalsIT: legitimate clients " + measured.summary() + "; told: " + told);
            }
        }
    }

    private interface Attempt {
        Object run() throws IOException;
    }

    private static IOException refused(Attempt attempt) {
        try {
            Object result = attempt.run();
            throw new AssertionError("expected a refusal, got " + result);
        } catch (IOException expected) {
            return expected;
        }
    }

    /** The line the client library gives for {@code failure}, which must contain {@code expected}. */
    private static String explained(IOException failure, String expected) {
        String line = ClientTls.explain(failure);
        assertNotNull(line, "expected a one-line explanation of " + failure);
        assertTrue(line.contains(expected), "expected the client told '" + expected + "', it was told: " + line
                + " (" + failure + ")");
        return line;
    }

    private static void awaitCount(int metrics, String name, String key, String value, long expected) {
        Await.until(name + (key == null ? "" : "{" + key + "=" + value + "}") + " = " + expected, WAIT, () -> {
            String scrape = TlsSide.scrapeOrEmpty(metrics);
            return key == null ? plainSample(scrape, name) == expected : TlsSide.sample(scrape, name, key, value) == expected;
        }, () -> TlsSide.tlsLines(TlsSide.scrapeOrEmpty(metrics)));
    }

    private static long plainSample(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElse(-1);
    }

    /**
     * Shakes hands, is answered once, then writes a record that is not one of the session's on the TCP
     * connection under the TLS one: the server must close the connection; returns what the client saw.
     */
    private static String garbageAfterHandshake(TlsPki pki, int port) throws Exception {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        SSLSocket tls = (SSLSocket) context(pki, pki.clientPem, pki.clientKey).getSocketFactory()
                .createSocket(tcp, "127.0.0.1", port, true);
        try (WireClient client = WireClient.over(tls, Framing.DELIMITED)) {
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            assertEquals("before the garbage", client.echo("before the garbage"));
            // A whole application-data record of random bytes, as a tampering middlebox would send: it cannot be
            // decrypted. (Text such as "GET / ..." is refused at its record header, before any decryption: see
            // TlsServerTest.textAfterTheHandshakeIsRefusedAtOnceNotAtTheIdleTimeout.)
            byte[] record = new byte[5 + 64];
            new java.util.Random(18).nextBytes(record);
            record[0] = 0x17;
            record[1] = 0x03;
            record[2] = 0x03;
            record[3] = 0x00;
            record[4] = 64;
            tcp.getOutputStream().write(record);
            tcp.getOutputStream().flush();
            try {
                ServerMessage after = client.receiveOrNull();
                assertEquals(null, after, "expected no answer after garbage, got " + after);
                return "closed by the server (end of stream)";
            } catch (IOException closed) {
                return "closed by the server: " + closed;
            }
        }
    }

    /** Shakes hands over TLS 1.2, is answered, asks for a second handshake: returns how it was refused. */
    private static String renegotiation(TlsPki pki, int port) throws Exception {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        SSLSocket tls = (SSLSocket) context(pki, pki.clientPem, pki.clientKey).getSocketFactory()
                .createSocket(tcp, "127.0.0.1", port, true);
        tls.setEnabledProtocols(new String[] {"TLSv1.2"});
        try (WireClient client = WireClient.over(tls, Framing.DELIMITED)) {
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            assertEquals("before renegotiating", client.echo("before renegotiating"));
            try {
                tls.startHandshake(); // on an established TLS 1.2 session: a renegotiation
                String after = client.echo("after renegotiating");
                throw new AssertionError("expected the renegotiation refused, the server answered " + after);
            } catch (IOException refused) {
                return "refused: " + refused;
            }
        }
    }

    private static String connectPresenting(TlsPki pki, Path certificate, Path key, int port) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        SSLSocket tls = (SSLSocket) context(pki, certificate, key).getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
        try (WireClient client = WireClient.over(tls, Framing.DELIMITED)) {
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            return client.echo("presenting " + certificate.getFileName()); // TLS 1.3: the refusal may come at the first read
        }
    }

    /**
     * Trusts the test CA and always presents {@code certificate}: the JDK's own key manager sends only a
     * certificate of a CA the server names, so a client of another CA would send none and be counted as such.
     */
    private static SSLContext context(TlsPki pki, Path certificate, Path key) {
        try {
            KeyStore store = PemFiles.keyStore(certificate, key);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            X509KeyManager keys = (X509KeyManager) factory.getKeyManagers()[0];
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(PemFiles.trustStore(pki.caPem));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new X509ExtendedKeyManager[] {new Presenting(keys)}, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new AssertionError("a client TLS context for " + certificate, e);
        }
    }

    /** Chooses the one client certificate whatever the server asks for. */
    private static final class Presenting extends X509ExtendedKeyManager {
        private final X509KeyManager keys;

        Presenting(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return PemFiles.KEY_ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return PemFiles.KEY_ALIAS;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {PemFiles.KEY_ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
