package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.echo.client.ConnectionClosedException;
import dev.echo.client.EchoConnection;
import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.core.proto.ServerMessage;
import dev.echo.server.EchoServer;
import dev.echo.server.TestServers;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scenario 7: past max connections a client gets SERVER_BUSY; once some leave, new ones are admitted. */
class ConnectionLimitIT {
    private static final int LIMIT = 5;

    @Test
    void clientPastTheLimitGetsServerBusyAndIsAdmittedOnceOthersLeave() throws IOException {
        List<EchoConnection> admitted = new ArrayList<>();
        try (EchoServer server = TestServers.start(b -> b.maxConnections(LIMIT))) {
            for (int i = 0; i < LIMIT; i++) {
                EchoConnection client = Clients.connect(server.port());
                admitted.add(client);
                assertEquals("in " + i, client.echo("in " + i), "expected client " + i + " within the limit to be served");
            }

            assertBusy(server, "client " + (LIMIT + 1));
            for (int i = 0; i < LIMIT; i++) {
                assertEquals(i + 1, admitted.get(i).add(i, 1), "expected admitted client " + i + " undisturbed by the rejection");
            }

            admitted.remove(0).close();
            admitted.remove(0).close();
            Await.until((LIMIT - 2) + " active connections after two left", Duration.ofSeconds(10),
                    () -> server.stats().connectionsActive() == LIMIT - 2, () -> "stats are " + server.stats());
            for (int i = 0; i < 2; i++) {
                EchoConnection client = Clients.connect(server.port());
                admitted.add(client);
                assertEquals("again " + i, client.echo("again " + i), "expected a new client admitted after two left");
            }
            assertBusy(server, "a client past the limit once more");
            assertEquals(2, server.stats().connectionsRejected(), "expected two rejections counted: " + server.stats());
            assertEquals(LIMIT + 2, server.stats().connectionsAccepted(), "expected the admitted connections counted: " + server.stats());
        } finally {
            admitted.forEach(EchoConnection::close);
        }
    }

    /** The server speaks first to a client it rejects: SERVER_BUSY, then the connection ends. */
    private static void assertBusy(EchoServer server, String who) throws IOException {
        try (EchoConnection rejected = Clients.connect(server.port())) {
            ServerMessage answer = rejected.receive();
            assertEquals(Code.SERVER_BUSY, answer.getError().getCode(), "expected SERVER_BUSY for " + who + ", got " + answer);
            assertThrows(ConnectionClosedException.class, rejected::receive,
                    "expected the server to close the connection of " + who + " after SERVER_BUSY");
        }
    }
}
