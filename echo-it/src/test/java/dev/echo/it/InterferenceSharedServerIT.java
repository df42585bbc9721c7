package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.server.EchoServer;
import dev.echo.server.ServerStats;
import dev.echo.server.TestServers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final AtomicLong expectedConnections = new AtomicLong();
    private static final AtomicLong expectedEchoes = new AtomicLong();
    private static final AtomicLong expectedAdds = new AtomicLong();

    @BeforeAll
    static void startServer() {
        server = TestServers.start();
    }

    @ParameterizedTest
    @EnumSource(OriginalScenarios.class)
    void runsTwentyTimesAtOnceOnTheSharedServer(OriginalScenarios scenario) {
        Parallel.run(RUNS, Duration.ofSeconds(60), i -> scenario.run(server.port()))
                .assertAllSucceeded("concurrent runs of " + scenario);
        expectedConnections.addAndGet((long) RUNS * scenario.connections);
        expectedEchoes.addAndGet((long) RUNS * scenario.echoes);
        expectedAdds.addAndGet((long) RUNS * scenario.adds);
    }

    @AfterAll
    static void countersAddUpThenStop() {
        try {
            TestServers.awaitSettled(server, expectedConnections.get(), Duration.ofSeconds(10));
            ServerStats stats = server.stats();
            assertEquals(expectedConnections.get(), stats.connectionsAccepted(), "expected every connection counted: " + stats);
            assertEquals(expectedEchoes.get(), stats.echoRequests(), "expected every echo counted: " + stats);
            assertEquals(expectedAdds.get(), stats.addRequests(), "expected every add counted: " + stats);
            assertEquals(0, stats.connectionsRejected(), "expected no rejected connection: " + stats);
        } finally {
            server.close();
        }
    }
}
