package dev.echo.it;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the TLS attack tests, made with the JDK's keytool (no library needed, so the
 * suite does not wait on echo-certs): a CA; a server certificate for localhost and 127.0.0.1 issued
 * by it; a client certificate and an expired one; a self-signed "stranger" (a client of another CA,
 * and a key that matches no server certificate). PEM files in one directory, keys as PKCS#8.
 * {@link #reissueServer} issues a new server certificate (new serial, same key) for reloads.
 */
final class TlsPki {
    private static final String PASSWORD = "changeit";

    final Path dir;
    final Path caPem;
    final Path serverPem;
    final Path serverKey;
    final Path clientPem;
    final Path clientKey;
    final Path expiredClientPem;
    final Path strangerPem;
    final Path strangerKey;
    private int reissued;

    private TlsPki(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.serverPem = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        this.clientPem = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client.key");
        this.expiredClientPem = dir.resolve("expired-client.pem");
        this.strangerPem = dir.resolve("stranger.pem");
        this.strangerKey = dir.resolve("stranger.key");
    }

    /** Writes everything into {@code dir}: keytool chains run at once, a few seconds on a busy machine. */
    static TlsPki create(Path dir) throws Exception {
        TlsPki pki = new TlsPki(dir);
        CompletableFuture<Void> ca = run(() -> {
            pki.keytool("-genkeypair", "-alias", "ca", "-keystore", "ca.p12", "-dname", "CN=echo it CA",
                    "-ext", "bc:c", "-validity", "3");
            pki.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        });
        CompletableFuture<Void> server = run(() -> pki.request("server", "CN=localhost"));
        CompletableFuture<Void> client = run(() -> pki.request("client", "CN=echo it client"));
        CompletableFuture<Void> stranger = run(() -> {
            pki.keytool("-genkeypair", "-alias", "stranger", "-keystore", "stranger.p12", "-dname", "CN=stranger",
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3");
            pki.keytool("-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12", "-file", "stranger.pem");
            pki.exportKey("stranger");
        });
        CompletableFuture.allOf(ca, server, client, stranger).get(120, TimeUnit.SECONDS);
        CompletableFuture<Void> issued = run(() -> pki.issueServer(pki.serverPem));
        CompletableFuture<Void> clientCert = run(() -> pki.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12",
                "-infile", "client.csr", "-outfile", "client.pem", "-rfc", "-validity", "3"));
        CompletableFuture<Void> expiredClient = run(() -> pki.keytool("-gencert", "-alias", "ca", "-keystore",
                "ca.p12", "-infile", "client.csr", "-outfile", "expired-client.pem", "-rfc", "-startdate", "-10d",
                "-validity", "2"));
        CompletableFuture.allOf(issued, clientCert, expiredClient).get(120, TimeUnit.SECONDS);
        return pki;
    }

    /**
     * Issues a new server certificate for the same key (keytool gives each a random serial) into a
     * new file of this directory and returns that file; {@link #serial} reads its serial.
     */
    synchronized Path reissueServer() throws Exception {
        Path target = dir.resolve("server-" + (++reissued) + ".pem");
        issueServer(target);
        return target;
    }

    /** The serial of the first certificate in a PEM file. */
    static BigInteger serial(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    private void issueServer(Path target) throws Exception {
        Path leaf = dir.resolve(target.getFileName() + ".leaf");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile",
                leaf.getFileName().toString(), "-rfc", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3");
        Files.writeString(target, Files.readString(leaf) + Files.readString(caPem));
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
