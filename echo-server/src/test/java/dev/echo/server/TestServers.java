package dev.echo.server;

import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Servers in the test JVM, always on a free port of 127.0.0.1, and waits on their counters that
 * always have a deadline. Shared with the integration suite through echo-server's test-jar.
 */
public final class TestServers {
    private TestServers() {}

    /**
     * The {@code @ResourceLock} of tests that start child processes and of tests that need a closed
     * listener to refuse at once: a child inherits every open socket of this JVM (not close-on-exec)
     * until its jspawnhelper closes them, and a listener it holds keeps accepting in the kernel.
     */
    public static final String CHILD_PROCESSES = "child-processes";

    public static EchoServer start() {
        return start(b -> b);
    }

    /** A started server with the test defaults (127.0.0.1, port 0, a 2 s grace) changed by {@code settings}. */
    public static EchoServer start(UnaryOperator<ServerConfig.Builder> settings) {
        ServerConfig config = settings.apply(ServerConfig.builder().host("127.0.0.1").port(0)
                .shutdownGrace(Duration.ofSeconds(2))).build();
        try {
            return EchoServer.create(config).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an in-process server with " + config, e);
        }
    }

    /** A raw client of {@code server}, in the server's framing. */
    public static WireClient connect(EchoServer server) throws IOException {
        return WireClient.connect(server.port(), server.config().framing());
    }

    /**
     * Waits until the server has accepted {@code accepted} connections in all and none is active: a
     * client that connects and leaves at once may do so before the server even accepts it.
     */
    public static void awaitSettled(EchoServer server, long accepted, Duration deadline) {
        Await.until(accepted + " connections accepted and 0 active", deadline,
                () -> {
                    var stats = server.stats();
                    return stats.connectionsAccepted() == accepted && stats.connectionsActive() == 0;
                },
                () -> "stats are " + server.stats());
    }

    /** Waits until the server counts no active connection: every connection's thread has ended. */
    public static void awaitNoActiveConnections(EchoServer server, Duration deadline) {
        Await.until("0 active connections", deadline, () -> server.stats().connectionsActive() == 0,
                () -> "stats are " + server.stats());
    }

    /** Closes {@code server} and returns how long its {@code close()} took, in milliseconds. */
    public static long closeMillis(EchoServer server) {
        long start = System.nanoTime();
        server.close();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
