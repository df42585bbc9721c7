package dev.echo.bench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, as PEM files, made with the running JDK's
 * keytool: the certificate is also the CA a client trusts. For {@code compare --tls} and echo-bench's
 * TLS tests, which need throwaway material and no CA.
 */
public record SelfSignedPem(Path certificate, Path privateKey) {
    private static final String PASSWORD = "changeit";

    /** Writes server.pem and server.key into {@code dir} (and keytool's server.p12). */
    public static SelfSignedPem create(Path dir) throws IOException, InterruptedException {
        keytool(dir, "-genkeypair", "-alias", "server", "-keystore", "server.p12", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3", "-keyalg", "EC", "-groupname", "secp256r1");
        keytool(dir, "-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12", "-file", "server.pem");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey("server", PASSWORD.toCharArray());
            String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
            Files.writeString(dir.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n" + base64
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
        return new SelfSignedPem(dir.resolve("server.pem"), dir.resolve("server.key"));
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD, "-keypass", PASSWORD, "-storetype", "PKCS12", "-noprompt"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}
