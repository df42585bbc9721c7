package dev.echo.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Marks a test class that needs a Docker engine. Without one the class is skipped with one line
 * saying why, unless {@code ECHO_REQUIRE_DOCKER=true} (as in CI), where it fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresDocker.Check.class)
@interface RequiresDocker {

    /** Decides once per class, before anything in it runs. */
    final class Check implements ExecutionCondition {
        static final String REQUIRE = "ECHO_REQUIRE_DOCKER";

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isPresent()) {
                return ConditionEvaluationResult.enabled("decided for the class");
            }
            String why = whyNotUsable();
            if (why == null) {
                return ConditionEvaluationResult.enabled("a Docker engine is reachable");
            }
            String name = context.getRequiredTestClass().getSimpleName();
            if (Boolean.parseBoolean(System.getenv(REQUIRE))) {
                throw new AssertionError(REQUIRE + "=true but " + why + ": " + name + " must run here");
            }
            String line = "echo-it: " + name + " skipped: " + why + "; start dockerd (see .ci/run), or set "
                    + REQUIRE + "=true to fail instead";
            System.err.println(line);
            return ConditionEvaluationResult.disabled(line);
        }

        /** Null when Testcontainers can use an engine, else the reason in one line. */
        private static String whyNotUsable() {
            try {
                return DockerClientFactory.instance().isDockerAvailable() ? null
                        : "no Docker engine is reachable (DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                                + ", default unix:///var/run/docker.sock)";
            } catch (RuntimeException e) {
                // e.g. an engine without a bridge network and no TESTCONTAINERS_HOST_OVERRIDE (see .ci/run)
                return "the Docker engine is not usable by Testcontainers (" + e.getClass().getSimpleName() + ": "
                        + String.valueOf(e.getMessage()).strip().replace('\n', ' ') + ")";
            }
        }
    }
}
