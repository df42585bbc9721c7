package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.Framing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary of refusals, timeouts, bad frames and failed handshakes, and a line per event; on their own, then from a server. */
class ServerEventsTest {
    private final List<String> summaries = new CopyOnWriteArrayList<>();
    private final List<String> eventLines = new CopyOnWriteArrayList<>();

    private ServerEvents events(Duration interval) {
        return new ServerEvents(interval, summaries::add, eventLines::add);
    }

    @Test
    void aQuietIntervalHasNoSummary() {
        assertNull(events(Duration.ofMinutes(1)).takeSummary(), "expected no summary when nothing happened");
    }

    @Test
    void theSummaryCountsEachKindWithItsFirstPeerAndStartsAgainAfterwards() {
        ServerEvents events = events(Duration.ofMinutes(1));
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 5001);
        events.record(ServerEvents.Kind.REJECTED, 0, first, "at the limit");
        events.record(ServerEvents.Kind.REJECTED, 0, new InetSocketAddress("127.0.0.1", 5002), "at the limit");
        events.record(ServerEvents.Kind.MALFORMED, 7, new InetSocketAddress("127.0.0.1", 5003), "not a ClientMessage");
        events.record(ServerEvents.Kind.IDLE_TIMEOUT, 8, null, "no frame");

        assertEquals("rejected=2 (127.0.0.1:5001) idle-timeout=1 malformed=1 (127.0.0.1:5003)", events.takeSummary(),
                "expected counts by kind in a fixed order, each with its first peer");
        assertNull(events.takeSummary(), "expected the next interval to start from nothing");
        events.record(ServerEvents.Kind.WRITE_TIMEOUT, 9, first, "stalled");
        assertEquals("write-timeout=1 (127.0.0.1:5001)", events.takeSummary(), "expected only the new interval's event");
    }

    @Test
    void eachEventHasItsOwnLineNamingTheConnectionAndThePeer() {
        ServerEvents events = events(Duration.ofMinutes(1));
        events.record(ServerEvents.Kind.MALFORMED, 12, new InetSocketAddress("127.0.0.1", 6000), "frame of 3 bytes");
        events.record(ServerEvents.Kind.REJECTED, 0, new InetSocketAddress("127.0.0.1", 6001), "SERVER_BUSY");
        assertEquals(List.of("malformed on connection 12 from 127.0.0.1:6000: frame of 3 bytes",
                "rejected from 127.0.0.1:6001: SERVER_BUSY"), eventLines, "expected one line per event");
    }

    @Test
    void aNonPositiveIntervalIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> events(Duration.ZERO));
        assertTrue(e.getMessage().contains("PT0S"), "expected the bad value in the message: " + e.getMessage());
    }

    /**
     * Against a scheduled executor awaited with awaitTermination, its thread was seen alive after stop()
     * (the pool terminates before its thread has ended), in some of these rounds. Each round takes the
     * thread from thread() and checks its name; the leftovers are found by name once, at the end, as a
     * test of a closed server finds what is left: Thread.getAllStackTraces() in every round stops and walks
     * every thread of the JVM, up to 300 ms a call beside the whole suite on busy cores, and took the 300
     * rounds past the 30 s timeout.
     */
    @Test
    void stopReturnsOnlyOnceTheSummariesThreadHasEnded() throws Exception {
        String name = "echo-events-test-" + System.nanoTime() + "-";
        for (int round = 0; round < 300; round++) {
            ServerEvents events = events(Duration.ofMillis(1));
            events.record(ServerEvents.Kind.REJECTED, 0, null, "at the limit");
            events.start(name + round);
            String threadName = name + round;
            Thread thread = events.thread();
            assertTrue(thread != null && thread.getName().equals(threadName) && thread.isAlive(),
                    "expected a live thread named " + threadName + " once started, got " + thread);
            events.stop();
            assertFalse(thread.isAlive(), "expected the thread " + threadName + " ended when stop() returned, in round " + round);
        }
        List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(name)).toList();
        assertEquals(List.of(), left, "expected no summaries thread left");
        assertTrue(summaries.stream().anyMatch(line -> line.startsWith("until stopped: rejected=1")
                || line.startsWith("last 1ms: rejected=1")), "expected the event summed up: " + summaries);
    }

    @Test
    void aServerSumsUpEachIntervalAndLogsEveryMalformedRequest() throws Exception {
        ServerEvents events = events(Duration.ofMillis(100));
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).maxConnections(1)
                .shutdownGrace(Duration.ofSeconds(2)).build();
        try (EchoServer server = EchoServer.create(config, events).start(); WireClient client = TestServers.connect(server)) {
            client.write(new byte[] {2, (byte) 0xff, (byte) 0xff}); // a 2-byte body that is no ClientMessage
            client.expectError(ErrorResponse.Code.MALFORMED_MESSAGE);
            try (WireClient refused = TestServers.connect(server)) {
                refused.expectError(ErrorResponse.Code.SERVER_BUSY);
            }
            String peer = "127.0.0.1:" + client.socket().getLocalPort();
            // The two events may fall in one interval or in two.
            Await.until("summaries telling malformed=1 (" + peer + ") and rejected=1", Duration.ofSeconds(10),
                    () -> summaries.stream().anyMatch(line -> line.contains(" malformed=1 (" + peer + ")"))
                            && summaries.stream().anyMatch(line -> line.matches("last 100ms: rejected=1 \\(127\\.0\\.0\\.1:\\d+\\).*")),
                    summaries::toString);
            assertTrue(summaries.stream().allMatch(line -> line.startsWith("last 100ms: ")), "expected the interval: " + summaries);
            assertTrue(eventLines.stream().anyMatch(line -> line.startsWith("malformed on connection ")
                    && line.contains(" from " + peer + ": ")), "expected a line for the malformed request, got " + eventLines);
            assertTrue(eventLines.stream().anyMatch(line -> line.startsWith("rejected from 127.0.0.1:")),
                    "expected a line for the rejected connection, got " + eventLines);
            assertEquals("hello", client.echo("hello"), "expected the connection to go on after MALFORMED_MESSAGE");
        }
    }

    @Test
    void aTlsServerSumsUpFailedHandshakesAndLogsEachWithItsReason(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = tlsServerSummingUpEvery100ms(pki); WireClient plain = TestServers.connect(server)) {
            String peer = "127.0.0.1:" + plain.socket().getLocalPort();
            assertEquals(ErrorResponse.Code.MALFORMED_MESSAGE, plain.call(Messages.echo("clear text")).getError().getCode(),
                    "expected a plain client told it is not TLS");
            Await.until("a summary telling tls-handshake-failed=1 (" + peer + ")", Duration.ofSeconds(10),
                    () -> summaries.stream().anyMatch(line -> line.equals("last 100ms: tls-handshake-failed=1 (" + peer + ")")),
                    summaries::toString);
            assertTrue(eventLines.stream().anyMatch(line -> line.startsWith("tls-handshake-failed on connection ")
                    && line.contains(" from " + peer + ": not_tls")), "expected a line naming the reason, got " + eventLines);
        }
    }

    /** A TLS server (no client certificates) on 127.0.0.1 whose events are summed up every 100 ms into this test's lists. */
    private EchoServer tlsServerSummingUpEvery100ms(TestCertificates pki) throws IOException {
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key")).build();
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).tls(tls).shutdownGrace(Duration.ofSeconds(2)).build();
        return EchoServer.create(config, events(Duration.ofMillis(100))).start();
    }

    /** A record that is not TLS after the handshake: at DEBUG with its bytes, in the summary, and in the TLS counters. */
    @Test
    void aTlsServerSumsUpBadRecordsAndLogsEachWithItsBytes(@TempDir Path dir) throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        try (EchoServer server = tlsServerSummingUpEvery100ms(pki); Socket tcp = TlsTestSockets.connect(server);
             WireClient client = WireClient.over(TlsTestSockets.tlsSocket(tcp, server, pki.clientContext(), "TLSv1.3"),
                     Framing.DELIMITED)) {
            String peer = "127.0.0.1:" + tcp.getLocalPort();
            assertEquals("before", client.echo("before"));
            tcp.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("a summary telling tls-bad-record=1 (" + peer + ")", Duration.ofSeconds(10),
                    () -> summaries.stream().anyMatch(line -> line.equals("last 100ms: tls-bad-record=1 (" + peer + ")")),
                    summaries::toString);
            assertTrue(eventLines.stream().anyMatch(line -> line.startsWith("tls-bad-record on connection ")
                    && line.contains(" from " + peer + ": not a TLS record header: 47 45 54 20 2f")),
                    "expected a line with the bytes, got " + eventLines);
            assertEquals(1, server.tlsStats().orElseThrow().badRecords());
        }
    }
}
