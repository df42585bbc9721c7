package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.EchoConnection;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerStats;
import dev.echo.server.TestServers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The original Rust server's five client scenarios, each against a server on {@code port}, with what
 * each one costs the server (to count that nothing was lost).
 */
enum OriginalScenarios {
    CONNECT_AND_DISCONNECT(1, 0, 0) {
        @Override
        void run(int port) throws IOException {
            EchoConnection client = Clients.connect(port);
            assertTrue(client.isOpen(), "expected a connected client to be open");
            client.close();
            assertFalse(client.isOpen(), "expected a closed client to say so");
        }
    },
    ONE_ECHO(1, 1, 0) {
        @Override
        void run(int port) throws IOException {
            try (EchoConnection client = Clients.connect(port)) {
                assertEquals("Hello, World!", client.echo("Hello, World!"), "expected the echo of Hello, World!");
            }
        }
    },
    THREE_ECHOES_ON_ONE_CONNECTION(1, 3, 0) {
        @Override
        void run(int port) throws IOException {
            try (EchoConnection client = Clients.connect(port)) {
                for (String message : MESSAGES) {
                    assertEquals(message, client.echo(message), "expected the echo of '" + message + "'");
                }
            }
        }
    },
    THREE_CLIENTS_AT_ONCE_IN_TURN(3, 9, 0) {
        @Override
        void run(int port) throws IOException {
            List<EchoConnection> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(Clients.connect(port));
                }
                for (String message : MESSAGES) {
                    for (int i = 0; i < clients.size(); i++) {
                        assertEquals(message, clients.get(i).echo(message),
                                "expected client " + i + " to get the echo of '" + message + "'");
                    }
                }
            } finally {
                clients.forEach(EchoConnection::close);
            }
        }
    },
    ADD(1, 0, 1) {
        @Override
        void run(int port) throws IOException {
            try (EchoConnection client = Clients.connect(port)) {
                assertEquals(30, client.add(10, 20), "expected 10 + 20 = 30");
            }
        }
    };

    static final List<String> MESSAGES = List.of("Hello, World!", "How are you?", "Goodbye!");

    /** What one run costs the server. */
    final Cost cost;

    OriginalScenarios(int connections, int echoes, int adds) {
        this.cost = new Cost(connections, echoes, adds);
    }

    abstract void run(int port) throws IOException;

    /** What runs of scenarios cost a server: connections it accepts, echoes and adds it answers. */
    record Cost(long connections, long echoes, long adds) {
        static final Cost NONE = new Cost(0, 0, 0);

        Cost plus(Cost other) {
            return new Cost(connections + other.connections, echoes + other.echoes, adds + other.adds);
        }

        Cost times(int runs) {
            return new Cost(runs * connections, runs * echoes, runs * adds);
        }

        /** Waits until {@code server} has accepted these connections and ended them, then checks its counters. */
        void assertCountedBy(EchoServer server) {
            TestServers.awaitSettled(server, connections, Duration.ofSeconds(10));
            ServerStats stats = server.stats();
            assertEquals(connections, stats.connectionsAccepted(), "expected every connection counted: " + stats);
            assertEquals(echoes, stats.echoRequests(), "expected every echo counted: " + stats);
            assertEquals(adds, stats.addRequests(), "expected every add counted: " + stats);
        }
    }
}
