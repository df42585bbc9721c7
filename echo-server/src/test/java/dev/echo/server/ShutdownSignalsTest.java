package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneSignalOpensTheStopAndReportsNothing() {
        CountDownLatch stop = new CountDownLatch(1);
        ShutdownSignals signals = new ShutdownSignals(stop);
        signals.received("HUP");
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
        try (WireClient busy = WireClient.connect(server)) {
            busy.sendBytes(new byte[] {10, 1}); // part of a frame: the grace period would wait for it
            TestServers.awaitTrue(Duration.ofSeconds(10), "the server to see part of a frame",
                    () -> ServerProbe.connectionsReadingFrame(server) == 1);
            signals.received("TERM");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            TestServers.awaitTrue(Duration.ofSeconds(10), "close() to begin", () -> ServerProbe.shutdownBegun(server));
            long before = System.nanoTime();
            signals.received("TERM");
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
    void exitCodesAre128PlusTheSecondSignalsNumber() {
        for (String name : ShutdownSignals.NUMBERS.keySet()) {
            ShutdownSignals signals = new ShutdownSignals(new CountDownLatch(1));
            signals.received("TERM");
            signals.received(name);
            signals.received("INT"); // a third changes nothing
            int code = signals.report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(128 + ShutdownSignals.NUMBERS.get(name), code, "exit code after a second SIG" + name);
        }
        assertEquals(Set.of(1, 2, 15), Set.copyOf(ShutdownSignals.NUMBERS.values()), "HUP, INT and TERM");
    }
}
