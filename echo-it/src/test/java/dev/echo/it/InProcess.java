package dev.echo.it;

import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Servers in the test JVM, on 127.0.0.1 and a free port. */
final class InProcess {
    private InProcess() {}

    static EchoServer start() {
        return start(builder -> builder);
    }

    static EchoServer start(UnaryOperator<ServerConfig.Builder> settings) {
        ServerConfig config = settings.apply(ServerConfig.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .shutdownGrace(Duration.ofSeconds(2)))
                .build();
        try {
            return EchoServer.create(config).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an in-process server with " + config, e);
        }
    }

    /**
     * Waits until the server has accepted {@code accepted} connections in all and none is active: a
     * client that connects and leaves at once may do so before the server even accepts it.
     */
    static void awaitSettled(EchoServer server, long accepted, Duration deadline) {
        Await.until(accepted + " connections accepted and 0 active", deadline,
                () -> {
                    var stats = server.stats();
                    return stats.connectionsAccepted() == accepted && stats.connectionsActive() == 0;
                },
                () -> "stats are " + server.stats());
    }

    /** Waits until the server counts no active connection: every connection's thread has ended. */
    static void awaitNoActiveConnections(EchoServer server, Duration deadline) {
        Await.until("0 active connections", deadline, () -> server.stats().connectionsActive() == 0,
                () -> "stats are " + server.stats());
    }
}
