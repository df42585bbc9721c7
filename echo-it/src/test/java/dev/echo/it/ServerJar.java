package dev.echo.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The packaged server, {@code echo-server/target/echo-server.jar}, as Maven passes it to the suite. */
final class ServerJar {
    private ServerJar() {}

    static Path path() {
        String property = System.getProperty("echo.server.jar");
        if (property == null) {
            throw new IllegalStateException("system property echo.server.jar is not set: run the suite through Maven (failsafe sets it)");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the server jar " + jar + " does not exist: build echo-server first"
                    + " (./mvnw verify builds it before echo-it)");
        }
        return jar;
    }

    /** The java launcher of the JDK running the tests (>= 21, chosen by the build's toolchain). */
    static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
