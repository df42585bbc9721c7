package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.EchoConnection;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A client whose requests never run dry does not take the server from the others. Virtual threads are
 * not preempted: a connection that always has a frame waiting never parks, so it held its carrier, and
 * as many such clients as the machine has cores held them all (an attacker's finding: 5 of 7 echoes
 * of another client past 3 s on 2 cores). The server here runs on one carrier
 * ({@code jdk.virtualThreadScheduler.parallelism=1}), so one hog is enough to show it: it pipelines
 * echo requests from one thread and reads their answers on another for {@value #HOG_SECONDS} s, while
 * a second client asks every 50 ms and must be answered within {@value #SLOWEST_MILLIS} ms each time.
 */
@Isolated("timings: another client's round trips while the hog runs")
class PipeliningHogIT {
    private static final int HOG_SECONDS = 6;
    private static final long SLOWEST_MILLIS = 1_000;

    @Test
    void aClientThatNeverStopsSendingLeavesTheOnlyCarrierToOthersNowAndThen() throws Exception {
        try (ServerProcess server = ServerJar.process()
                .jvmOptions(List.of("-Djdk.virtualThreadScheduler.parallelism=1"))
                .args("--host", "127.0.0.1", "--port", "0", "--log-level", "warn", "--threads", "virtual").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            while (batch.size() < 64 * 1024) {
                batch.writeBytes(Framing.DELIMITED.encode(Messages.echo("hog " + batch.size())));
            }
            byte[] frames = batch.toByteArray();
            AtomicLong hogBytesAnswered = new AtomicLong();
            long hogEnd = System.nanoTime() + Duration.ofSeconds(HOG_SECONDS).toNanos();
            try (Socket hog = new Socket()) {
                hog.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                hog.setSoTimeout(20_000);
                Thread reader = Thread.ofPlatform().name("hog-reader").start(() -> {
                    byte[] sink = new byte[64 * 1024];
                    try (InputStream in = hog.getInputStream()) {
                        for (int n; (n = in.read(sink)) >= 0; ) {
                            hogBytesAnswered.addAndGet(n);
                        }
                    } catch (IOException closed) {
                        // the writer closed the socket at the end
                    }
                });
                Thread writer = Thread.ofPlatform().name("hog-writer").start(() -> {
                    try {
                        OutputStream out = hog.getOutputStream();
                        while (System.nanoTime() - hogEnd < 0) {
                            out.write(frames);
                        }
                        hog.shutdownOutput();
                    } catch (IOException e) {
                        throw new AssertionError("the hog's writes failed", e);
                    }
                });
                Await.until("the hog answered", Duration.ofSeconds(10), () -> hogBytesAnswered.get() > frames.length);

                List<Long> millis = new ArrayList<>();
                try (EchoConnection other = Clients.connect(port)) {
                    for (int i = 0; System.nanoTime() - hogEnd < 0; i++) {
                        long start = System.nanoTime();
                        assertEquals("other " + i, other.echo("other " + i), "the other client's answer");
                        millis.add((System.nanoTime() - start) / 1_000_000);
                        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                    }
                }
                assertTrue(writer.join(Duration.ofSeconds(30)), "the hog's writer ended");
                hog.close();
                assertTrue(reader.join(Duration.ofSeconds(30)), "the hog's reader ended");
                long slowest = millis.stream().mapToLong(Long::longValue).max().orElse(-1);
                long late = millis.stream().filter(m -> m > SLOWEST_MILLIS).count();
                System.err.printf("echo-it: beside a pipelining hog on one carrier (%,d bytes answered to it): %d round trips"
                        + " of another client, slowest %d ms, %d over %d ms%n", hogBytesAnswered.get(), millis.size(),
                        slowest, late, SLOWEST_MILLIS);
                assertTrue(millis.size() >= 10, "the other client made only " + millis.size() + " round trips: " + millis);
                assertEquals(0, late, "expected every round trip of the other client within " + SLOWEST_MILLIS
                        + " ms while the hog ran; slowest " + slowest + " ms: " + millis);
                assertTrue(server.isAlive(), server.describe());
            }
        }
    }
}
