package dev.echo.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** Servers for tests: always on a free port of 127.0.0.1, and waits that always have a deadline. */
final class TestServers {
    private TestServers() {}

    static EchoServer start() throws IOException {
        return start(b -> b);
    }

    static EchoServer start(UnaryOperator<ServerConfig.Builder> settings) throws IOException {
        ServerConfig config = settings.apply(ServerConfig.builder().host("127.0.0.1").port(0)
                .shutdownGrace(Duration.ofSeconds(2))).build();
        return EchoServer.create(config).start();
    }

    /** Polls {@code condition} every 5 ms until it holds; fails with {@code expected} after {@code within}. */
    static void awaitTrue(Duration within, String expected, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("expected within " + within + ": " + expected);
            }
            try {
                Thread.sleep(5); // polling interval, not synchronization: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting until " + expected);
            }
        }
    }
}
