package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.server.EchoServer;
import dev.echo.server.TestServers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 1, one shared server: each original scenario 20 times at once, all five scenarios at
 * once, while other test classes run beside it. The server's counters must add up exactly.
 */
@Execution(ExecutionMode.CONCURRENT)
class InterferenceSharedServerIT {
    static final int RUNS = 20;

    private static EchoServer server;
    private static final AtomicReference<OriginalScenarios.Cost> expected =
            new AtomicReference<>(OriginalScenarios.Cost.NONE);

    @BeforeAll
    static void startServer() {
        server = TestServers.start();
    }

    @ParameterizedTest
    @EnumSource(OriginalScenarios.class)
    void runsTwentyTimesAtOnceOnTheSharedServer(OriginalScenarios scenario) {
        Parallel.run(RUNS, Duration.ofSeconds(60), i -> scenario.run(server.port()))
                .assertAllSucceeded("concurrent runs of " + scenario);
        expected.accumulateAndGet(scenario.cost.times(RUNS), OriginalScenarios.Cost::plus);
    }

    @AfterAll
    static void countersAddUpThenStop() {
        try {
            expected.get().assertCountedBy(server);
            assertEquals(0, server.stats().connectionsRejected(), "expected no rejected connection: " + server.stats());
        } finally {
            server.close();
        }
    }
}
