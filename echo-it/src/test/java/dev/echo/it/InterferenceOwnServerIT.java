package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.server.EchoServer;
import dev.echo.server.TestServers;
import java.time.Duration;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 1, a server each: 20 servers start at once on port 0, each runs one original scenario,
 * counts exactly what it served, and stops. The original's fixed port 8080 and an accept() that
 * stop() could not unblock made exactly this fail.
 */
@Execution(ExecutionMode.CONCURRENT)
class InterferenceOwnServerIT {
    static final int RUNS = 20;

    @ParameterizedTest
    @EnumSource(OriginalScenarios.class)
    void runsTwentyTimesAtOnceEachOnItsOwnServer(OriginalScenarios scenario) {
        Parallel.run(RUNS, Duration.ofSeconds(60), i -> {
            EchoServer server = TestServers.start();
            try {
                scenario.run(server.port());
                scenario.cost.assertCountedBy(server);
            } finally {
                long millis = TestServers.closeMillis(server);
                assertEquals(false, server.isRunning(), "expected the server stopped after close()");
                if (millis > 4_000) {
                    throw new AssertionError("expected close() of an idle server within the 2 s grace + 2 s, took " + millis + " ms");
                }
            }
        }).assertAllSucceeded("servers running " + scenario);
    }
}
