package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.echo.core.tls.ClientTls;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.ServerTls;
import dev.echo.testkit.Await;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that refuses the client with a TLS alert (here: it requires a client certificate and the
 * client has none) is tried again only while the client is used, at the reconnect backoff's pace: it
 * was tried again in the background every maxReconnectDelay for as long as the client lived, a full
 * refused handshake each time. Attempts are counted at the server's side, by a forwarder in front of
 * it that can also switch to a server that accepts the client.
 */
@Timeout(60)
class TlsRefusalReconnectTest {
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(100);
    /** D: with jitter, every backoff after the first two is between D/2 and D. */
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(200);
    /** Long enough to see today's background reconnects several times over. */
    private static final Duration IDLE_WINDOW = MAX_RECONNECT_DELAY.multipliedBy(5);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static EchoServer server(TestPki pki, boolean requireClientCertificate) throws IOException {
        ServerTls.Builder tls = ServerTls.builder(pki.server().certificate(), pki.server().key());
        if (requireClientCertificate) {
            tls.clientCa(pki.caCertificate());
        }
        return EchoServer.create(ServerConfig.builder().port(0).tls(tls.build()).build()).start();
    }

    /** A client without a certificate, speaking only {@code version}. */
    private static ClientConfig.Builder client(TestPki pki, String version, int... ports) {
        ClientTls tls = ClientTls.builder().trustedCa(pki.caCertificate()).protocols(List.of(version)).build();
        String[] addresses = new String[ports.length];
        for (int i = 0; i < ports.length; i++) {
            addresses[i] = "127.0.0.1:" + ports[i];
        }
        return ClientConfig.builder().host("127.0.0.1").addresses(addresses).tls(tls)
                .reconnectDelay(RECONNECT_DELAY).maxReconnectDelay(MAX_RECONNECT_DELAY)
                .requestTimeout(Duration.ofMillis(500));
    }

    /**
     * Connects {@code client} through {@code forwarder} to {@code accepting}, then makes the address
     * refuse it: the forwarder switches to {@code refusing} and drops the connection. Returns once the
     * client's reconnect has reached the refusing server (the refusal under TLS 1.2 ends that
     * handshake; under TLS 1.3 it comes on the connection's first read).
     */
    private static EchoClient refusedAfterConnecting(ClientConfig config, CountingForwarder forwarder,
                                                     EchoServer refusing) {
        EchoClient client = EchoClient.connect(config);
        assertEquals("accepted", client.echo("accepted"));
        forwarder.target(refusing.port());
        forwarder.dropAll();
        Await.until("the client's reconnect at the refusing server", DEADLINE, () -> forwarder.accepted() >= 2,
                () -> forwarder.accepted() + " connections");
        return client;
    }

    private static void assertNoAttemptWithin(Duration window, CountingForwarder forwarder, String when) {
        assertAtMostAttemptsWithin(0, window, forwarder, when);
    }

    /** Watches the whole window: more than {@code most} attempts in it fail. */
    private static void assertAtMostAttemptsWithin(int most, Duration window, CountingForwarder forwarder,
                                                   String when) {
        int before = forwarder.accepted();
        boolean more = Await.holdsWithin(window, Duration.ofMillis(5), () -> forwarder.accepted() > before + most);
        assertFalse(more, "expected at most " + most + " connection attempts " + when + " within " + window
                + " (maxReconnectDelay " + MAX_RECONNECT_DELAY + "), got " + (forwarder.accepted() - before));
    }

    /** Once calls stop: the attempt the last one asked for, at its backoff's end, and no other. */
    private static void assertOnlyTheAskedAttemptOnceIdle(CountingForwarder forwarder) {
        assertAtMostAttemptsWithin(1, IDLE_WINDOW, forwarder, "once the calls stopped (the last one's, at most)");
    }

    /** At most one attempt per backoff, D/2 at least once saturated, and two more for the short first ones. */
    private static int mostAttemptsIn(long windowMillis) {
        return (int) (windowMillis / (MAX_RECONNECT_DELAY.toMillis() / 2)) + 2;
    }

    /** The brief's case under TLS 1.3: connect() succeeds, the call is refused; then nobody calls. */
    @Test
    void anIdleClientWhoseCallWasRefusedMakesNoFurtherAttempt() throws IOException {
        TestPki pki = TestPki.create(dir);
        try (EchoServer refusing = server(pki, true); CountingForwarder forwarder = new CountingForwarder(refusing.port());
             EchoClient client = EchoClient.connect(client(pki, "TLSv1.3", forwarder.port())
                     .requestTimeout(DEADLINE).build())) {
            ConnectionLostException refused = assertThrows(ConnectionLostException.class, () -> client.echo("hi"));
            assertTrue(refused.getMessage().contains("not retried"), refused.getMessage());
            assertNoAttemptWithin(IDLE_WINDOW, forwarder, "after the refused call, the client idle");
        }
    }

    /** Both paths: TLS 1.2 refuses in the handshake, TLS 1.3 on the first read after it. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void anIdleClientTheServerComesToRefuseMakesNoFurtherAttempt(String version) throws IOException {
        TestPki pki = TestPki.create(dir);
        try (EchoServer accepting = server(pki, false); EchoServer refusing = server(pki, true);
             CountingForwarder forwarder = new CountingForwarder(accepting.port());
             EchoClient client = refusedAfterConnecting(client(pki, version, forwarder.port()).build(), forwarder,
                     refusing)) {
            assertNoAttemptWithin(IDLE_WINDOW, forwarder, "after the refusal, the client idle");
        }
    }

    /**
     * Calls in a loop get the refused address tried again at the backoff's pace, not once per call;
     * when the calls stop, so do the attempts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void callsInALoopAreTriedAtTheBackoffPaceAndNoLonger(String version) throws IOException {
        TestPki pki = TestPki.create(dir);
        try (EchoServer accepting = server(pki, false); EchoServer refusing = server(pki, true);
             CountingForwarder forwarder = new CountingForwarder(accepting.port());
             EchoClient client = refusedAfterConnecting(client(pki, version, forwarder.port()).build(), forwarder,
                     refusing)) {
            int before = forwarder.accepted();
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
                calls++;
                assertThrows(EchoClientException.class, () -> client.echo("refused"));
            }
            long windowMillis = (System.nanoTime() - start) / 1_000_000;
            int attempts = forwarder.accepted() - before;
            assertTrue(attempts >= 2, "expected the refused address tried again while called, " + attempts
                    + " attempts in " + windowMillis + " ms");
            assertTrue(attempts <= mostAttemptsIn(windowMillis), "expected at most " + mostAttemptsIn(windowMillis)
                    + " attempts in " + windowMillis + " ms (" + calls + " calls), got " + attempts);
            assertOnlyTheAskedAttemptOnceIdle(forwarder);
        }
    }

    /**
     * Once the server accepts the client again, the next call is answered: under TLS 1.2 a call that
     * waits for the refused address meanwhile gets it tried at the backoff's pace, and is answered
     * when the server comes to accept it, not left until its deadline.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aClientTheServerComesToAcceptAgainIsAnswered(String version) throws Exception {
        TestPki pki = TestPki.create(dir);
        try (EchoServer accepting = server(pki, false); EchoServer refusing = server(pki, true);
             CountingForwarder forwarder = new CountingForwarder(accepting.port());
             EchoClient client = refusedAfterConnecting(client(pki, version, forwarder.port())
                     .requestTimeout(DEADLINE).build(), forwarder, refusing)) {
            assertNoAttemptWithin(IDLE_WINDOW.dividedBy(2), forwarder, "after the refusal, the client idle");
            CompletableFuture<String> call;
            if (version.equals("TLSv1.2")) {
                int before = forwarder.accepted();
                call = client.echoAsync("waited");
                Await.until("the refused address tried again while a call waits", DEADLINE,
                        () -> forwarder.accepted() >= before + 2, () -> (forwarder.accepted() - before) + " attempts");
                assertFalse(call.isDone(), "the call waits (within its deadline) while the address refuses: " + call);
                forwarder.target(accepting.port());
            } else {
                forwarder.target(accepting.port());
                call = client.echoAsync("waited");
            }
            // Half the call's deadline: answered at a backoff's end, not left waiting until its deadline.
            assertEquals("waited", call.get(DEADLINE.toMillis() / 2, TimeUnit.MILLISECONDS));
            assertEquals("and again", client.echo("and again"));
        }
    }

    /**
     * Two addresses, one healthy and one refusing (TLS 1.2: never usable): every call is answered by
     * the healthy one; the refused one is tried again at the backoff's pace while calls are made, not
     * at all once they stop, and rejoins once its server accepts the client.
     */
    @Test
    void aRefusedAddressAmongSeveralIsTriedWhileCalledAndRejoins() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (EchoServer healthy = server(pki, false); EchoServer refusing = server(pki, true);
             EchoServer acceptingLater = server(pki, false);
             CountingForwarder forwarder = new CountingForwarder(refusing.port());
             EchoClient client = EchoClient.connect(client(pki, "TLSv1.2", healthy.port(), forwarder.port()).build())) {
            Await.until("the first attempt at the refusing address", DEADLINE, () -> forwarder.accepted() >= 1);
            int before = forwarder.accepted();
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
                assertEquals("call " + calls, client.echo("call " + calls));
                calls++;
            }
            long windowMillis = (System.nanoTime() - start) / 1_000_000;
            int attempts = forwarder.accepted() - before;
            assertTrue(attempts >= 2, "expected the refused address tried again while calls went to the other, "
                    + attempts + " attempts in " + windowMillis + " ms");
            assertTrue(attempts <= mostAttemptsIn(windowMillis), "expected at most " + mostAttemptsIn(windowMillis)
                    + " attempts in " + windowMillis + " ms (" + calls + " calls), got " + attempts);
            assertOnlyTheAskedAttemptOnceIdle(forwarder);

            forwarder.target(acceptingLater.port());
            Await.until("the address, accepted now, rejoined while calls are made", DEADLINE, () -> {
                assertEquals("again", client.echo("again"));
                return client.stats().connections() == 2 && acceptingLater.stats().connectionsActive() == 1;
            }, () -> client.stats().toString());
        }
    }

    /**
     * close() after a refusal, with an attempt asked for by a waiting call and not yet made, leaves no
     * thread of the client and makes no attempt after it. (Today's close() also stopped the background
     * reconnects: this guards the attempt that a call schedules.)
     */
    @Test
    void closeAfterARefusalLeavesNoThreadAndNoAttempt() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (EchoServer accepting = server(pki, false); EchoServer refusing = server(pki, true);
             CountingForwarder forwarder = new CountingForwarder(accepting.port())) {
            EchoClient client = refusedAfterConnecting(client(pki, "TLSv1.2", forwarder.port())
                    .requestTimeout(DEADLINE).build(), forwarder, refusing);
            CompletableFuture<String> waiting = client.echoAsync("waits");
            client.close();
            assertTrue(waiting.isDone(), "close() ended the waiting call");
            // Other tests' clients run alongside: this one's threads are those named after its address.
            String address = "127.0.0.1:" + forwarder.port();
            Await.until("no echo-client thread of " + address + " alive after close()", DEADLINE,
                    () -> clientThreads(address).isEmpty(), () -> "alive: " + clientThreads(address));
            assertNoAttemptWithin(IDLE_WINDOW, forwarder, "after close()");
        }
    }

    /**
     * The client threads named after {@code address} alive now, virtual ones included (which
     * Thread.getAllStackTraces leaves out).
     */
    private List<String> clientThreads(String address) {
        try {
            Path dump = Files.createTempDirectory(dir, "threads").resolve("dump.txt");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return Files.readAllLines(dump).stream().filter(line -> line.contains("\"echo-client-") && line.contains(address + "\""))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
