package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * A connection waiting in the pool's queue is on its first deadline's clock from its accept: 10
     * clients that send nothing, on 2 threads with a 1 s handshake timeout, are each closed within 2.5 s
     * of connecting, not a whole timeout after a thread takes each (2 at a time: the last at 5 s, as an
     * attacker found before the clock counted from the accept). A client served after them is served.
     */
    @Test
    void queuedTlsClientsThatSendNothingAreClosedByTheirHandshakeDeadlineFromTheAccept(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .handshakeTimeout(Duration.ofSeconds(1)).build();
        try (EchoServer server = TestServers.start(b -> b.threadMode(ThreadMode.platform(2)).tls(tls))) {
            assertSilentClientsClosedWithin(server, 10, Duration.ofMillis(2_500));
            Await.until("10 handshake timeouts counted", Duration.ofSeconds(10),
                    () -> server.tlsStats().orElseThrow().handshakeFailures(HandshakeFailure.TIMEOUT) == 10,
                    () -> server.tlsStats().toString());
            try (WireClient client = WireClient.over(TlsTestSockets.tlsSocket(server, pki.noClientCertificateContext(), "TLSv1.3"),
                    Framing.DELIMITED)) {
                assertEquals("after", client.echo("after"), "expected a client served after them");
            }
        }
    }

    /** The same in clear text: the first frame's idle timeout counts from the accept. */
    @Test
    void queuedPlainClientsThatSendNothingAreClosedByTheirIdleTimeoutFromTheAccept() throws Exception {
        try (EchoServer server = TestServers.start(b -> b.threadMode(ThreadMode.platform(2)).idleTimeout(Duration.ofSeconds(1)))) {
            assertSilentClientsClosedWithin(server, 10, Duration.ofMillis(2_500));
            try (WireClient client = TestServers.connect(server)) {
                assertEquals("after", client.echo("after"), "expected a client served after them");
            }
        }
    }

    /** Connects {@code count} clients that send nothing and asserts the server ends each within {@code bound} of its connect. */
    private static void assertSilentClientsClosedWithin(EchoServer server, int count, Duration bound) throws Exception {
        List<Thread> readers = new ArrayList<>();
        long[] heldMillis = new long[count];
        for (int i = 0; i < count; i++) {
            Socket socket = TlsTestSockets.connect(server); // reads wait at most 10 s
            long connected = System.nanoTime();
            int index = i;
            readers.add(Thread.ofVirtual().start(() -> {
                try (socket) {
                    socket.getInputStream().read(); // the end (FIN), or a reset
                } catch (IOException endedOrTimedOut) {
                    // a reset ends it too; a read timeout shows as the 10 s it took
                }
                heldMillis[index] = (System.nanoTime() - connected) / 1_000_000;
            }));
        }
        for (Thread reader : readers) {
            reader.join();
        }
        long longest = Arrays.stream(heldMillis).max().orElseThrow();
        assertTrue(longest <= bound.toMillis(), "expected each silent client ended within " + bound.toMillis()
                + " ms of its connect, took (ms) " + Arrays.toString(heldMillis));
    }
}
