package dev.echo.core.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for echo-core's TLS tests, made with the JDK's keytool (echo-core cannot use echo-certs,
 * which is built on it): a CA, a server certificate it issued for localhost and 127.0.0.1, an expired
 * one, a client certificate and an expired one, a self-signed "stranger" that no one trusts, and a "twin" CA of
 * the CA's name but its own key, as a second run of echo-certs makes. PEM files in one
 * directory; private keys as PKCS#8.
 */
final class KeytoolPki {
    static final String PASSWORD = "changeit";

    final Path dir;
    final Path caPem;
    final Path serverPem;
    final Path serverKey;
    final Path expiredServerPem;
    final Path clientPem;
    final Path clientKey;
    final Path expiredClientPem;
    final Path strangerPem;
    final Path strangerKey;
    final Path twinCaPem;

    private KeytoolPki(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.serverPem = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        this.expiredServerPem = dir.resolve("expired-server.pem");
        this.clientPem = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client.key");
        this.expiredClientPem = dir.resolve("expired-client.pem");
        this.strangerPem = dir.resolve("stranger.pem");
        this.strangerKey = dir.resolve("stranger.key");
        this.twinCaPem = dir.resolve("twin-ca.pem");
    }

    /** Writes everything into {@code dir}; three keytool chains at once, about 5 s on a busy machine. */
    static KeytoolPki create(Path dir) throws Exception {
        KeytoolPki pki = new KeytoolPki(dir);
        CompletableFuture<Void> ca = run(() -> {
            pki.keytool("-genkeypair", "-alias", "ca", "-keystore", "ca.p12", "-dname", "CN=echo test CA",
                    "-ext", "bc:c", "-validity", "3");
            pki.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        });
        CompletableFuture<Void> server = run(() -> pki.request("server", "CN=localhost"));
        CompletableFuture<Void> client = run(() -> pki.request("client", "CN=echo test client"));
        CompletableFuture<Void> stranger = run(() -> {
            pki.keytool("-genkeypair", "-alias", "stranger", "-keystore", "stranger.p12", "-dname", "CN=stranger",
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3");
            pki.keytool("-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12", "-file", "stranger.pem");
            pki.exportKey("stranger");
        });
        CompletableFuture<Void> twin = run(() -> {
            pki.keytool("-genkeypair", "-alias", "twin", "-keystore", "twin-ca.p12", "-dname", "CN=echo test CA",
                    "-ext", "bc:c", "-validity", "3");
            pki.keytool("-exportcert", "-rfc", "-alias", "twin", "-keystore", "twin-ca.p12", "-file", "twin-ca.pem");
        });
        CompletableFuture.allOf(ca, server, client, stranger, twin).get(120, TimeUnit.SECONDS);
        CompletableFuture<Void> issued = run(() -> {
            pki.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile",
                    "server-only.pem", "-rfc", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3");
            pki.chain("server-only.pem", "server.pem");
        });
        CompletableFuture<Void> expired = run(() -> {
            pki.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile",
                    "expired-only.pem", "-rfc", "-ext", "san=dns:localhost,ip:127.0.0.1", "-startdate", "-10d",
                    "-validity", "2");
            pki.chain("expired-only.pem", "expired-server.pem");
        });
        CompletableFuture<Void> clientCert = run(() -> pki.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12",
                "-infile", "client.csr", "-outfile", "client.pem", "-rfc", "-validity", "3"));
        CompletableFuture<Void> expiredClient = run(() -> pki.keytool("-gencert", "-alias", "ca", "-keystore",
                "ca.p12", "-infile", "client.csr", "-outfile", "expired-client.pem", "-rfc", "-startdate", "-10d",
                "-validity", "2"));
        CompletableFuture.allOf(issued, expired, clientCert, expiredClient).get(120, TimeUnit.SECONDS);
        return pki;
    }

    private void request(String name, String dname) throws Exception {
        keytool("-genkeypair", "-alias", name, "-keystore", name + ".p12", "-dname", dname, "-validity", "3");
        keytool("-certreq", "-alias", name, "-keystore", name + ".p12", "-file", name + ".csr");
        exportKey(name);
    }

    /** keytool cannot write a private key; the key store can hand it over, and PKCS#8 is its encoding. */
    private void exportKey(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        Files.writeString(dir.resolve(name + ".key"), "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
    }

    private void chain(String leaf, String target) throws IOException {
        Files.writeString(dir.resolve(target), Files.readString(dir.resolve(leaf)) + Files.readString(caPem));
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD, "-keypass", PASSWORD, "-storetype", "PKCS12", "-noprompt"));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1"));
        }
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static CompletableFuture<Void> run(Step step) {
        return CompletableFuture.runAsync(() -> {
            try {
                step.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }
}
