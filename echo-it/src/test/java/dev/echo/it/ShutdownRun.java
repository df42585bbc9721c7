package dev.echo.it;

import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.TestServers;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An in-process server closed while clients talk to it: the clients start, {@code close()} comes
 * once they are under way, and then they run to their end.
 *
 * @param server the server, closed; its counters are still there to read
 * @param closeMillis how long its {@code close()} took
 * @param clients how the clients ended
 */
record ShutdownRun(EchoServer server, long closeMillis, Parallel.Outcome clients) {
    /** One client's work against the server on {@code port}; {@code index} is 0..n-1. */
    @FunctionalInterface
    interface Client {
        void run(int port, int index) throws Exception;
    }

    /**
     * Starts a server with the test defaults changed by {@code settings} and {@code clients} clients
     * against it (each within {@code deadline}), waits in {@code underWay} until they are under way,
     * closes the server, and waits for the clients to end; {@code state} says how far they got.
     */
    static ShutdownRun closeAmid(UnaryOperator<ServerConfig.Builder> settings, int clients, Duration deadline,
                                 Client client, Consumer<Parallel.Running> underWay, Supplier<?> state) {
        EchoServer server = TestServers.start(settings);
        try {
            Parallel.Running load = Parallel.start(clients, deadline, i -> client.run(server.port(), i));
            underWay.accept(load);
            long closeMillis = TestServers.closeMillis(server);
            // The clients' own deadline fails first; the 30 s more are slack for collecting them.
            Parallel.Outcome outcome = load.await(deadline.plusSeconds(30), clients + " clients after close()", state);
            return new ShutdownRun(server, closeMillis, outcome);
        } finally {
            server.close();
        }
    }
}
