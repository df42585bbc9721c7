package dev.echo.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that runs HAProxy ({@link Haproxy#binary()}). Without it the class is skipped
 * with one line saying why, unless {@code ECHO_REQUIRE_HAPROXY=true} (as in CI), where it fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresHaproxy.Check.class)
@interface RequiresHaproxy {

    /** Decides once per class, before anything in it runs. */
    final class Check implements ExecutionCondition {
        static final String REQUIRE = "ECHO_REQUIRE_HAPROXY";

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isPresent()) {
                return ConditionEvaluationResult.enabled("decided for the class");
            }
            if (Haproxy.binary().isPresent()) {
                return ConditionEvaluationResult.enabled("haproxy is installed: " + Haproxy.binary().get());
            }
            String name = context.getRequiredTestClass().getSimpleName();
            String why = "no haproxy binary (looked in " + Haproxy.PLACES + " and on PATH)";
            if (Boolean.parseBoolean(System.getenv(REQUIRE))) {
                throw new AssertionError(REQUIRE + "=true but " + why + ": " + name + " must run here");
            }
            String line = "echo-it: " + name + " skipped: " + why + "; apt-get install haproxy (see .ci/run), or set "
                    + REQUIRE + "=true to fail instead";
            System.err.println(line);
            return ConditionEvaluationResult.disabled(line);
        }
    }
}
