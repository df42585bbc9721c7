package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.TlsHandshakeTimeoutException;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A handshake flood against a mutual-TLS server process: {@value #FLOODERS} clients each open a new
 * TLS connection per request (a full handshake every time: each flooder forgets its sessions, so none
 * is resumed) for {@value #FLOOD_SECONDS} s, while {@value #MEASURED} long-lived TLS clients are
 * measured. Every flood request is answered, or refused with a reason the client is told and the
 * server counts; none waits without a deadline. The measured clients lose nothing (their p99 is
 * printed). The server's handshake counters add up to the connections the clients made, and when the
 * flood is over its open connections are the measured ones again and its buffer budget holds what it
 * held before the flood: no slot and no record buffer leaked.
 *
 * <p>The numbers: 200 flooders, 50 measured clients, 20 s. On a 2-core machine shared with
 * other builds the flooders' handshakes queue behind each other (at 50 new connections a second, about
 * 4 s each) and some may reach the server's 10 s handshake deadline: those are refusals the server
 * counts and the client is told, which the test accepts; a request left hanging or lost fails it.
 * The class runs alone for its timings.
 */
@Isolated("timings: 200 flooding and 50 measured TLS clients in this JVM")
class TlsHandshakeFloodIT {
    private static final int FLOODERS = 200;
    private static final int MEASURED = 50;
    private static final int FLOOD_SECONDS = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Outcome keys: the one for answered requests; every other key is a refusal, a loss or a hang with its reason. */
    private static final String ANSWERED = "answered";
    private static final String REFUSED_IN_HANDSHAKE = "refused in the handshake: ";
    private static final String REFUSED_WITH_ERROR = "refused with error ";
    private static final String HUNG = "no answer within the deadline: ";
    private static final String LOST = "lost after the handshake: ";
    private static final String CLOSED_AFTER_CLIENT_HANDSHAKE = "closed unanswered just after the client's handshake: ";
    /**
     * Longer than the server's handshake deadline (10 s by default): a handshake the overloaded server
     * cannot finish in time is ended, and counted, by the server; only a handshake left hanging reaches this.
     */
    private static final Duration CLIENT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void fullHandshakesInALoopAreAnsweredCountedAndLeaveNothingBehind() throws Exception {
        TlsPki pki = TlsPki.create(dir);
        try (ServerProcess server = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
                "--tls-cert", pki.serverPem.toString(), "--tls-key", pki.serverKey.toString(),
                "--tls-client-ca", pki.caPem.toString(), "--tls-client-auth", "require", "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            int metrics = TlsSide.metricsPort(server);
            Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
            LongAdder handshakesCompleted = new LongAdder();
            String measuredSummary;
            String before;
            try (TlsSide.Measured measured = TlsSide.Measured.start(TlsSide.presenting(pki, pki.clientPem, pki.clientKey),
                    port, MEASURED)) {
                measured.awaitEveryClientAnswered(10, WAIT);
                // What the flood costs them is counted from here: on a machine busy with other work, a first
                // handshake can pass the client's 10 s before the flood (49 did once, at load average 26).
                long failuresBeforeFlood = measured.failures();
                before = TlsSide.scrape(metrics);
                assertEquals(MEASURED, gauge(before, "echo_connections_active"), "expected the measured clients open: "
                        + measured.summary());

                long floodEnd = System.nanoTime() + Duration.ofSeconds(FLOOD_SECONDS).toNanos();
                List<Thread> flooders = new ArrayList<>();
                for (int i = 0; i < FLOODERS; i++) {
                    int c = i;
                    flooders.add(Thread.ofPlatform().daemon().name("tls-flooder-" + i).start(
                            () -> flood(pki, port, c, floodEnd, outcomes, handshakesCompleted)));
                }
                for (Thread flooder : flooders) {
                    // A flood request takes at most its handshake and read deadlines (50 s) past the end.
                    long left = floodEnd - System.nanoTime() + Duration.ofSeconds(80).toNanos();
                    assertTrue(flooder.join(Duration.ofNanos(Math.max(1, left))),
                            "expected " + flooder.getName() + " to stop by itself: every step has a deadline");
                }
                long answersAfterFlood = measured.answers();
                Await.until("the measured clients still answered after the flood", WAIT,
                        () -> measured.answers() >= answersAfterFlood + MEASURED, measured::summary);
                measuredSummary = measured.summary();
                assertEquals(0, measured.failures() - failuresBeforeFlood, "expected the measured clients to lose nothing"
                        + " from the flood's start (" + failuresBeforeFlood + " failures before it): " + measuredSummary);

                // The flood is over and the measured clients are still open: only their slots and buffers are held.
                Await.until("the server's open connections back to the " + MEASURED + " measured ones", WAIT,
                        () -> gauge(TlsSide.scrapeOrEmpty(metrics), "echo_connections_active") == MEASURED,
                        () -> connectionLines(TlsSide.scrapeOrEmpty(metrics)));
                long bufferedBefore = gauge(before, "echo_buffered_bytes");
                assertTrue(bufferedBefore > 0, "expected the measured TLS connections' record buffers in the budget: "
                        + connectionLines(before));
                Await.until("the buffer budget back to what the measured clients held before the flood ("
                                + bufferedBefore + " bytes)", WAIT,
                        () -> gauge(TlsSide.scrapeOrEmpty(metrics), "echo_buffered_bytes") == bufferedBefore,
                        () -> connectionLines(TlsSide.scrapeOrEmpty(metrics)));
            }
            Map<String, Long> tally = tally(outcomes);
            long answered = tally.getOrDefault(ANSWERED, 0L);
            long attempts = tally.values().stream().mapToLong(Long::longValue).sum();
            System.out.println("TlsHandshakeFloodIT: " + FLOODERS + " flooders for " + FLOOD_SECONDS + " s: " + tally
                    + " (" + attempts / FLOOD_SECONDS + " new TLS connections/s); " + MEASURED + " measured: " + measuredSummary);

            List<String> hungOrLost = tally.keySet().stream().filter(k -> k.startsWith(HUNG) || k.startsWith(LOST)).toList();
            assertEquals(List.of(), hungOrLost, "expected every flood request answered or refused, none waiting out a"
                    + " deadline or lost: " + tally);
            assertTrue(answered >= FLOODERS, "expected the flood answered, at least once per flooder: " + tally);

            // After the flood and the measured clients: the counters add up to the connections the clients made.
            // A handshake the server ended at its deadline is a refusal the server counts (handshake_timeout); the
            // client sees it in its handshake or, in TLS 1.3, just after it. A connection lost after a handshake the
            // server completed would be counted as no failed handshake, and break the sum.
            long refusedInHandshake = sum(tally, REFUSED_IN_HANDSHAKE) + sum(tally, CLOSED_AFTER_CLIENT_HANDSHAKE);
            long refusedWithError = sum(tally, REFUSED_WITH_ERROR);
            Await.until("the server's counters to add up to the connections made", WAIT, () -> {
                String scrape = TlsSide.scrapeOrEmpty(metrics);
                return TlsSide.sample(scrape, "echo_tls_handshakes_total", "result", "ok") == answered + MEASURED
                        && TlsSide.sample(scrape, "echo_tls_handshakes_total", "result", "failed") == refusedInHandshake
                        && gauge(scrape, "echo_connections_rejected_total") == refusedWithError
                        && gauge(scrape, "echo_connections_active") == 0
                        && gauge(scrape, "echo_buffered_bytes") == 0;
            }, () -> "flood " + tally + ", " + handshakesCompleted + " handshakes completed by the flooders, " + MEASURED
                    + " measured; server: " + TlsSide.tlsLines(TlsSide.scrapeOrEmpty(metrics)) + " "
                    + connectionLines(TlsSide.scrapeOrEmpty(metrics)));
        }
    }

    /**
     * One flooder until {@code end}: a new TLS connection, one echo, close; the outcome of each counted.
     * Its own client context, whose sessions it forgets after each connection: the next handshake is a
     * full one, not a resumption.
     */
    private static void flood(TlsPki pki, int port, int c, long end, Map<String, LongAdder> outcomes,
                              LongAdder handshakesCompleted) {
        ClientTls tls = TlsSide.presenting(pki, pki.clientPem, pki.clientKey);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        for (int r = 0; System.nanoTime() - end < 0; r++) {
            String outcome = request(tls, address, "flooder " + c + " request " + r, handshakesCompleted);
            outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
            forgetSessions(tls);
        }
    }

    /** One connection and one request; returns its outcome key. */
    private static String request(ClientTls tls, InetSocketAddress address, String text, LongAdder handshakesCompleted) {
        Socket socket;
        try {
            socket = tls.connect(address, "127.0.0.1", CLIENT_HANDSHAKE_TIMEOUT, CLIENT_HANDSHAKE_TIMEOUT);
        } catch (TlsHandshakeTimeoutException e) {
            return HUNG + ClientTls.explain(e);
        } catch (IOException e) {
            String line = ClientTls.explain(e);
            return line != null ? REFUSED_IN_HANDSHAKE + line : LOST + "connect: " + e;
        }
        handshakesCompleted.increment();
        try (WireClient client = WireClient.over(socket, Framing.DELIMITED)) {
            client.send(Messages.echo(text));
            ServerMessage answer = client.receiveOrNull();
            if (answer == null) {
                // TLS 1.3: the client's handshake ends before the server has checked the client's certificate and
                // Finished; a server at its handshake deadline then closes a connection the client thinks is open.
                return CLOSED_AFTER_CLIENT_HANDSHAKE + "end of stream";
            }
            if (answer.hasError()) {
                return REFUSED_WITH_ERROR + answer.getError().getCode();
            }
            return answer.hasEchoMessage() && text.equals(answer.getEchoMessage().getContent()) ? ANSWERED
                    : LOST + "wrong answer " + Messages.describe(answer);
        } catch (SocketTimeoutException e) {
            return HUNG + "no answer within " + WireClient.READ_TIMEOUT;
        } catch (IOException e) {
            // As above, or a connection lost: the server's handshake counters tell which (see the test).
            return CLOSED_AFTER_CLIENT_HANDSHAKE + e.getClass().getSimpleName();
        }
    }

    private static void forgetSessions(ClientTls tls) {
        SSLSessionContext sessions;
        try {
            sessions = tls.context().getClientSessionContext();
        } catch (IOException e) {
            throw new AssertionError("the flooder's TLS context", e);
        }
        for (byte[] id : Collections.list(sessions.getIds())) {
            var session = sessions.getSession(id);
            if (session != null) {
                session.invalidate();
            }
        }
    }

    private static Map<String, Long> tally(Map<String, LongAdder> outcomes) {
        Map<String, Long> tally = new TreeMap<>();
        outcomes.forEach((k, v) -> tally.put(k, v.sum()));
        return tally;
    }

    private static long sum(Map<String, Long> tally, String prefix) {
        return tally.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
    }

    /** A sample without labels; -1 when absent. */
    private static long gauge(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1))).findFirst().orElse(-1);
    }

    private static String connectionLines(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("echo_connections") || l.startsWith("echo_buffered")
                || l.startsWith("echo_tls_handshake")).toList().toString();
    }
}
