package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.client.EchoClientException;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client library across a restart of the packaged server on the same port, under 32 threads
 * calling at full speed through one shared {@link EchoClient}: SIGTERM with {@code --grace 5s}, and
 * {@code kill -9} with the next server up at once. No call may fail: the library reconnects and sends
 * again what was not answered.
 */
class ClientRestartIT {

    private static ServerProcess startOn(int port) throws IOException {
        // The old listener's port can take a moment to be free after its process ended.
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            ServerProcess server = ServerJar.process()
                    .args("--host", "127.0.0.1", "--port", Integer.toString(port), "--grace", "5s").start();
            try {
                server.awaitPort(Duration.ofSeconds(30));
                return server;
            } catch (IOException | AssertionError e) {
                server.close();
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGTERM", "SIGKILL"})
    void noCallFailsAcrossARestart(String signal) throws Exception {
        ServerProcess first = ServerJar.process().args("--host", "127.0.0.1", "--port", "0", "--grace", "5s").start();
        int port = first.awaitPort(Duration.ofSeconds(30));
        AtomicLong answered = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ServerProcess second = null;
        try (EchoClient client = EchoClient.connect(ClientConfig.builder().port(port)
                .requestTimeout(Duration.ofSeconds(30)).build())) {
            List<Thread> threads = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int t = 0; t < 32; t++) {
                int thread = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            String text = thread + ":" + i;
                            String echo = client.echo(text);
                            int sum = client.add(thread, i);
                            if (!echo.equals(text) || sum != thread + i) {
                                failures.add("wrong answer for " + text + ": " + echo + ", " + sum);
                            }
                            answered.addAndGet(2);
                        } catch (EchoClientException e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            Await.until("2,000 answers before the stop", Duration.ofSeconds(60), () -> answered.get() >= 2_000);
            if (signal.equals("SIGTERM")) {
                first.terminate();
                first.awaitExit(Duration.ofSeconds(30));
            } else {
                ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly);
                first.awaitExit(Duration.ofSeconds(30));
            }
            long before = answered.get();
            second = startOn(port);
            Await.until("2,000 answers after the restart", Duration.ofSeconds(60),
                    () -> answered.get() >= before + 2_000, () -> answered + " answered; " + client.stats());
            stop.set(true);
            for (Thread thread : threads) {
                assertTrue(thread.join(Duration.ofSeconds(40)), "a caller did not end");
            }
            assertEquals(List.of(), List.copyOf(failures), "no call failed across the restart: " + client.stats());
            assertTrue(client.stats().reconnects() >= 1, "it reconnected: " + client.stats());
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }
}
