package dev.echo.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

/**
 * Marks a test class that needs a Docker engine. Without one the class is skipped with one line
 * saying why, unless {@code ECHO_REQUIRE_DOCKER=true} (as in CI), where it fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresDocker.Check.class)
@interface RequiresDocker {

    /** Skips or fails the class before anything in it runs. */
    final class Check implements BeforeAllCallback {
        static final String REQUIRE = "ECHO_REQUIRE_DOCKER";

        @Override
        public void beforeAll(ExtensionContext context) {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return;
            }
            String why = "no Docker engine is reachable (DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                    + ", default unix:///var/run/docker.sock)";
            if (Boolean.parseBoolean(System.getenv(REQUIRE))) {
                throw new AssertionError(REQUIRE + "=true but " + why + ": "
                        + context.getRequiredTestClass().getSimpleName() + " must run here");
            }
            String line = "echo-it: " + context.getRequiredTestClass().getSimpleName() + " skipped: " + why
                    + "; start dockerd, or set " + REQUIRE + "=true to fail instead";
            System.err.println(line);
            throw new TestAbortedException(line);
        }
    }
}
