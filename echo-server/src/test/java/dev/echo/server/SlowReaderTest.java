package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.testkit.WireClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A slow reader is served across many idle timeouts. Linux wakes a writer parked on a full send buffer
 * only once a third of the buffer (up to 4 MiB here) has drained: instrumented, the writer for this
 * reader at 2.5 MiB/s stayed parked 500 ms at a time, with two CPU hogs running. So the idle timeout is
 * 2 s, and the class runs alone: beside the module's other tests, 3 of 13 runs of the suite (at 1 s, then
 * at 2 s) slowed the reader enough to be cut as write-stalled, though it never paused half a timeout.
 */
@Isolated("timings: the module's other tests would starve the reader and the server's writer")
class SlowReaderTest {

    @Test
    void slowReaderIsServedAcrossManyIdleTimeouts() throws Exception {
        // 20 MiB of answers read at about 2.5 MiB/s: four idle timeouts in all, but every piece of
        // an answer is taken within one, which is progress, not idling, so nothing may be closed.
        // The timeout is 2 s, not 1: the kernel wakes a writer parked on a full send buffer only once
        // a good part of it has drained (the buffer grows to 4 MiB here), so a reader at this pace can
        // leave the writer parked for most of a second; at 1 s, 2 of 6 runs of the module's suite
        // (2026-12-06) counted a write timeout while the reader had never paused 0.5 s.
        Duration idle = Duration.ofSeconds(2);
        int requests = 200;
        String content = "x".repeat(100 * 1024);
        // Built before connecting: the idle clock starts with the connection.
        byte[] one = ServerConfig.builder().build().framing().encode(Messages.echo(content));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
            all.writeBytes(one);
        }
        byte[] bytes = all.toByteArray();
        try (EchoServer server = TestServers.start(b -> b.idleTimeout(idle));
             WireClient client = TestServers.connect(server)) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.write(bytes);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, runnable -> Thread.ofPlatform().daemon().name("backlog-sender").start(runnable));
            long start = System.nanoTime();
            long stalledMillis = 0;
            for (int i = 0; i < requests; i++) {
                long readAt = System.nanoTime();
                dev.echo.core.proto.ServerMessage answer;
                try {
                    answer = client.receive();
                } catch (java.io.IOException | dev.echo.core.FrameException reset) {
                    // Closed as stalled (a reset, or the end of stream inside an answer): right only if
                    // this reader really stopped for a timeout, which on a starved machine its 40 ms
                    // pause or a read can; then it proves nothing.
                    Assumptions.assumeTrue(stalledMillis < idle.toMillis() / 2, "machine too busy: the reader"
                            + " stalled " + stalledMillis + " ms between pieces, the test proves nothing");
                    throw reset;
                }
                stalledMillis = Math.max(stalledMillis, (System.nanoTime() - readAt) / 1_000_000);
                assertEquals(content.length(), answer.getEchoMessage().getContent().length(),
                        "expected answer " + i + " of " + requests + " to echo 100 KiB");
                long pausedAt = System.nanoTime();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40)); // the pace of a slow reader
                stalledMillis = Math.max(stalledMillis, (System.nanoTime() - pausedAt) / 1_000_000);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            sent.get(10, TimeUnit.SECONDS);
            // No request after the backlog: the answers sat in socket buffers for seconds, so the
            // server has rightly been idle since it wrote the last one.
            assertEquals(0, server.stats().writeTimeouts(), "a reader that makes progress is not stalled");
            assertTrue(elapsedMillis > 3 * idle.toMillis(), "the reading took " + elapsedMillis
                    + " ms, not the more than three idle timeouts this test is about");
        }
    }

}
