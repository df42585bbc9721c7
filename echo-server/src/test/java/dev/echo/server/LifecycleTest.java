package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** start, close, and what a closed server leaves behind: nothing. */
class LifecycleTest {

    @Test
    void closeWithClientsConnectedReturnsWithinGraceAndLeavesNothingBehind() throws Exception {
        assertClosesCleanly(ThreadMode.virtual());
    }

    @Test
    void closeWithClientsConnectedLeavesNoPlatformThreadBehind() throws Exception {
        assertClosesCleanly(ThreadMode.platform(4));
    }

    private static void assertClosesCleanly(ThreadMode mode) throws Exception {
        Duration grace = Duration.ofMillis(500);
        EchoServer server = TestServers.start(b -> b.shutdownGrace(grace).threadMode(mode));
        int port = server.port();
        try (WireClient idle = TestServers.connect(server); WireClient midFrame = TestServers.connect(server)) {
            assertEquals("hi", idle.echo("hi"), "expected the idle client served first");
            midFrame.write(new byte[] {30, 0x0a});
            Await.until("one connection inside a frame", Duration.ofSeconds(5),
                    () -> ServerProbe.connectionsReadingFrame(server) == 1);
            // A pool worker serving a connection is listed both as worker and as connection thread.
            List<Thread> threads = ServerProbe.threads(server).stream().distinct().toList();
            assertEquals(4, threads.size(),
                    "expected the accept thread, the idle sweeper and 2 connection threads, got " + threads);
            assertTrue(threads.stream().anyMatch(t -> t.getName().equals("echo-idle-" + port)),
                    "expected the idle sweeper thread named echo-idle-" + port + ", got " + threads);

            long start = System.nanoTime();
            server.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closeMillis < grace.toMillis() + 3_000,
                    "expected close() within the grace period of 500 ms plus 3 s, took " + closeMillis + " ms");

            idle.expectClosed(Duration.ofSeconds(2));
            midFrame.expectClosed(Duration.ofSeconds(2));
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(2));
                assertFalse(thread.isAlive(), "expected no server thread left after close(), found " + thread);
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                            .noneMatch(t -> t.getName().equals("echo-accept-" + port)),
                    "expected no thread named echo-accept-" + port + " after close()");
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                            .noneMatch(t -> t.getName().equals("echo-idle-" + port)),
                    "expected no thread named echo-idle-" + port + " after close()");
            assertEquals(0, server.stats().connectionsActive(), "expected no active connection after close()");
        }
        assertFalse(server.isRunning(), "expected isRunning() false after close()");
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertEquals(port, again.getLocalPort(), "expected port " + port + " free to bind again after close()");
        }
    }

    @Test
    void hugeDurationsMeanWaitingNotOverflowing() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        try (EchoServer server = TestServers.start(b -> b.idleTimeout(forever).shutdownGrace(forever));
             WireClient client = TestServers.connect(server)) {
            assertEquals("patient", client.echo("patient"), "expected a huge idle timeout to work like a long one");
            assertFalse(client.closedWithin(Duration.ofMillis(50)), "expected no idle close with a huge timeout");
        }
    }

    @Test
    void closeTwiceIsHarmless() throws Exception {
        EchoServer server = TestServers.start();
        server.close();
        server.close();
        assertFalse(server.isRunning(), "expected the server stopped after two close() calls");
    }

    @Test
    void closeWithoutStartIsHarmlessAndForbidsStart() {
        EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build());
        server.close();
        assertThrows(IllegalStateException.class, server::start, "expected start() after close() to throw");
    }

    @Test
    void startAfterCloseThrows() throws Exception {
        EchoServer server = TestServers.start();
        server.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start,
                "expected start() after close() to throw IllegalStateException");
        assertTrue(e.getMessage().contains("create a new EchoServer"), "expected the message to say what to do, got: "
                + e.getMessage());
    }

    @Test
    void startTwiceIsHarmless() throws Exception {
        try (EchoServer server = TestServers.start()) {
            int port = server.port();
            assertSame(server, server.start(), "expected start() to return the server");
            assertEquals(port, server.port(), "expected the same port after a second start()");
            try (WireClient client = TestServers.connect(server)) {
                assertEquals("twice", client.echo("twice"), "expected the server to serve after start() twice");
            }
        }
    }

    @Test
    void portBeforeStartThrows() {
        EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build());
        assertThrows(IllegalStateException.class, server::port, "expected port() before start() to throw");
        assertFalse(server.isRunning(), "expected isRunning() false before start()");
    }

    @Test
    void differentInstancesGetDifferentPorts() throws Exception {
        try (EchoServer a = TestServers.start(); EchoServer b = TestServers.start()) {
            assertNotEquals(a.port(), b.port(), "expected two servers on port 0 to get different ports");
            assertTrue(a.port() > 0 && b.port() > 0, "expected real ports, got " + a.port() + " and " + b.port());
        }
    }

    @Test
    void portInUseFailsWithABindExceptionNamingTheAddress() throws Exception {
        try (EchoServer first = TestServers.start()) {
            EchoServer second = EchoServer.create(ServerConfig.builder().port(first.port()).build());
            BindException e = assertThrows(BindException.class, second::start, "expected a BindException for a used port");
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()),
                    "expected the message to name the address, got: " + e.getMessage());
            assertFalse(second.isRunning(), "expected the second server not running");
            second.close();
        }
    }

    @Test
    void countersArePublishedAsAnMXBeanWhileRunning() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            client.echo("counted");
            client.add(1, 2);
            client.write(new byte[] {0});
            client.expectError(dev.echo.core.proto.ErrorResponse.Code.EMPTY_REQUEST);
            name = ServerProbe.mbeanName(server);
            assertTrue(name != null && mbeans.isRegistered(name), "expected an MXBean registered, got " + name);
            assertEquals(1L, mbeans.getAttribute(name, "EchoRequests"), "expected EchoRequests 1 over JMX");
            assertEquals(1L, mbeans.getAttribute(name, "AddRequests"), "expected AddRequests 1 over JMX");
            assertEquals(Boolean.TRUE, mbeans.getAttribute(name, "Running"), "expected Running true over JMX");
            assertEquals(1L, mbeans.getAttribute(name, "EmptyRequestErrors"), "expected EmptyRequestErrors 1 over JMX");
            assertEquals(0L, mbeans.getAttribute(name, "MalformedMessageErrors"), "expected MalformedMessageErrors 0 over JMX");
            assertEquals(3L, mbeans.getAttribute(name, "RequestsAnswered"), "expected RequestsAnswered 3 over JMX");
            assertTrue((Long) mbeans.getAttribute(name, "BytesOut") > 0, "expected BytesOut counted over JMX");
            assertEquals("127.0.0.1:" + server.port(), mbeans.getAttribute(name, "Address"),
                    "expected the address over JMX");
        }
        assertFalse(mbeans.isRegistered(name), "expected the MXBean unregistered after close()");
    }

    @Test
    void twoServersPublishTwoMXBeans() throws Exception {
        try (EchoServer a = TestServers.start(); EchoServer b = TestServers.start()) {
            assertNotEquals(ServerProbe.mbeanName(a), ServerProbe.mbeanName(b), "expected a unique MXBean name per server");
            assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(ServerProbe.mbeanName(b)),
                    "expected the second server's MXBean registered");
        }
    }

    @Test
    void closedServerKeepsItsFinalStats() throws Exception {
        EchoServer server = TestServers.start();
        ObjectName name = ServerProbe.mbeanName(server);
        try (WireClient client = TestServers.connect(server)) {
            client.echo("x");
        }
        server.close();
        assertEquals(1, server.stats().echoRequests(), "expected stats readable after close()");
        assertFalse(name == null || ManagementFactory.getPlatformMBeanServer().isRegistered(name),
                "expected the MXBean " + name + " unregistered after close()");
    }

    @Test
    void startFailsForAnUnknownHost() {
        EchoServer server = EchoServer.create(ServerConfig.builder().host("no-such-host.invalid").port(0).build());
        IOException e = assertThrows(IOException.class, server::start, "expected start() to fail for an unknown host");
        assertTrue(e.getMessage().contains("no-such-host.invalid"), "expected the host in the message, got: "
                + e.getMessage());
    }
}
