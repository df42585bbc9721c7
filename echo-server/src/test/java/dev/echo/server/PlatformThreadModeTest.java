package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.testkit.WireClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded pool of platform threads, kept so that benchmarks can compare it with virtual threads. */
class PlatformThreadModeTest {

    @Test
    void servesThreeClientsAtOnceOnAPool() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.threadMode(ThreadMode.platform(4)))) {
            ScenarioTest.assertServesClientsTogether(server, 3);
        }
    }

    @Test
    void connectionThreadIsANamedPlatformThread() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.threadMode(ThreadMode.platform(2)));
             WireClient client = TestServers.connect(server)) {
            assertEquals("x", client.echo("x"), "expected the client served");
            List<Thread> threads = ServerProbe.threads(server);
            assertTrue(threads.stream().anyMatch(t -> t.getName().startsWith("echo-conn-") && !t.isVirtual()),
                    "expected a platform thread named echo-conn-ID, got " + threads);
            assertTrue(threads.stream().anyMatch(t -> t.getName().equals("echo-accept-" + server.port())),
                    "expected the accept thread named echo-accept-" + server.port() + ", got " + threads);
        }
    }

    @Test
    void connectionBeyondThePoolWaitsForAFreeThread() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.threadMode(ThreadMode.platform(1)))) {
            WireClient first = TestServers.connect(server);
            assertEquals("first", first.echo("first"), "expected the first client served");
            try (WireClient second = TestServers.connect(server)) {
                second.send(Messages.echo("second"));
                assertFalse(second.closedWithin(Duration.ofMillis(100)),
                        "expected the second client queued, not answered or closed, while the only thread is busy");
                first.close();
                assertEquals("second", second.receive().getEchoMessage().getContent(),
                        "expected the second client served once the thread was free");
            }
        }
    }

    @Test
    void virtualModeRunsConnectionsOnVirtualThreads() throws Exception {
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            assertEquals("v", client.echo("v"), "expected the client served");
            assertTrue(ServerProbe.threads(server).stream().anyMatch(t -> t.isVirtual() && t.getName().startsWith("echo-conn-")),
                    "expected a virtual thread named echo-conn-ID, got " + ServerProbe.threads(server));
        }
    }
}
