package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import dev.echo.testkit.OwnThread;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The signals' logic in this JVM, signals delivered by calling received(); ShutdownSignalsIT sends real ones. */
class ShutdownSignalsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneSignalOpensTheStopAndReportsNothing() {
        CountDownLatch stop = new CountDownLatch(1);
        ShutdownSignals signals = new ShutdownSignals(stop);
        signals.received("HUP", 0);
        assertEquals(0, stop.getCount(), "expected the first signal to open the stop");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, signals.report(new PrintStream(out, true, StandardCharsets.UTF_8)), "expected exit code 0");
        assertEquals("", text(out), "expected no line after a graceful stop");
    }

    @Test
    void aSecondSignalDuringTheGracePeriodCutsTheBusyConnectionsAndSetsTheExitCode() throws Exception {
        ShutdownSignals signals = new ShutdownSignals(new CountDownLatch(1));
        EchoServer server = TestServers.start(b -> b.shutdownGrace(Duration.ofMinutes(5)));
        signals.serving(server);
        try (WireClient busy = TestServers.connect(server)) {
            busy.write(new byte[] {10, 1}); // part of a frame: the grace period would wait for it
            Await.until("the server to see part of a frame", Duration.ofSeconds(10),
                    () -> ServerProbe.connectionsReadingFrame(server) == 1);
            signals.received("TERM", System.nanoTime());
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close, OwnThread.named("closing"));
            Await.until("close() to begin", Duration.ofSeconds(10), () -> ServerProbe.shutdownBegun(server));
            long before = System.nanoTime();
            signals.received("TERM", System.nanoTime() + ShutdownSignals.SAME_EVENT.toNanos());
            closing.get(30, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(20),
                    "expected close() to return soon after the second signal, not after the 5m grace period");
            busy.expectClosed(Duration.ofSeconds(10));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(143, signals.report(new PrintStream(out, true, StandardCharsets.UTF_8)), "expected 128 + 15");
        assertEquals("echo-server: second signal (SIGTERM) during the grace period: stopped at once, 1 connection(s) cut"
                + System.lineSeparator(), text(out));
    }

    @Test
    void aSignalWithinTheSameEventAsTheFirstIsNotASecondOne() {
        CountDownLatch stop = new CountDownLatch(1);
        ShutdownSignals signals = new ShutdownSignals(stop);
        signals.received("TERM", 0);
        signals.received("TERM", ShutdownSignals.SAME_EVENT.toNanos() - 1); // timeout(1): to the process and its group
        assertEquals(0, signals.report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)),
                "expected a graceful stop, exit code 0");
        signals.received("TERM", ShutdownSignals.SAME_EVENT.toNanos());
        assertEquals(143, signals.report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)),
                "expected a signal once the first's moment has passed to count as the second");
    }

    @Test
    void exitCodesAre128PlusTheSecondSignalsNumber() {
        for (String name : ShutdownSignals.NUMBERS.keySet()) {
            ShutdownSignals signals = new ShutdownSignals(new CountDownLatch(1));
            signals.received("TERM", 0);
            signals.received(name, SECOND);
            signals.received("INT", 2 * SECOND); // a third changes nothing
            int code = signals.report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(128 + ShutdownSignals.NUMBERS.get(name), code, "exit code after a second SIG" + name);
        }
        assertEquals(Set.of(1, 2, 15), Set.copyOf(ShutdownSignals.NUMBERS.values()), "HUP, INT and TERM");
    }
}
