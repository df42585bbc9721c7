package dev.echo.it;

import dev.echo.testkit.ServerCommand;
import dev.echo.testkit.ServerProcess;
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

    /** {@code java -jar echo-server.jar}, to be given its options and started; killed at the end of a test. */
    static ServerCommand.Builder process() {
        return ServerProcess.builder(path()).name("echo-server");
    }
}
