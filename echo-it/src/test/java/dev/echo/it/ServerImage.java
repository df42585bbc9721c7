package dev.echo.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's container image, built from the top-level {@code Dockerfile} exactly as a user would
 * ({@code docker build -t echo-server .}), once per test JVM.
 *
 * <p>The base image is the Dockerfile's default ({@code eclipse-temurin:21-jre}) when it is present or
 * can be pulled; {@code ECHO_BASE_IMAGE} names another one; otherwise (no registry, as on the CI
 * machines) a {@link LocalJreImage} made from the JDK running the tests.
 */
final class ServerImage {
    static final String DEFAULT_BASE = "eclipse-temurin:21-jre";
    static final String TAG = "echo-it/echo-server:test";

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static String built;

    private ServerImage() {}

    /** The tag of the built image. */
    static String get() {
        LOCK.lock();
        try {
            if (built == null) {
                built = build();
            }
            return built;
        } finally {
            LOCK.unlock();
        }
    }

    private static String build() {
        Path root = DockerCli.repoRoot();
        Path jar = ServerJar.path();
        if (!Files.isRegularFile(root.resolve("Dockerfile"))) {
            throw new IllegalStateException("no Dockerfile at " + root);
        }
        String base = baseImage();
        // Never --pull: the base is local when it is our own.
        DockerCli.command("build", "--build-arg", "BASE_IMAGE=" + base, "-t", TAG, "-f", "Dockerfile", ".")
                .in(root)
                .run(Duration.ofMinutes(5))
                .orThrow();
        System.err.println("echo-it: built " + TAG + " from " + root.resolve("Dockerfile") + " on " + base
                + " with " + jar);
        return TAG;
    }

    private static String baseImage() {
        String chosen = System.getenv("ECHO_BASE_IMAGE");
        if (chosen != null && !chosen.isBlank()) {
            return chosen.trim();
        }
        if (DockerCli.imageExists(DEFAULT_BASE)
                || DockerCli.run(Duration.ofSeconds(90), "pull", DEFAULT_BASE).succeeded()) {
            return DEFAULT_BASE;
        }
        String local = LocalJreImage.ensure();
        System.err.println("echo-it: " + DEFAULT_BASE + " cannot be pulled here; using " + local
                + " (jlink'ed from " + System.getProperty("java.home") + ")");
        return local;
    }
}
