package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Out of file descriptors: the server jar runs with {@code ulimit -n 256}, and 400 clients connect
 * and stay. The server accepts what its descriptors allow; the rest wait in the listen backlog and
 * every accept fails with "Too many open files" for as long as they are held (11 s here, past one
 * 10 s interval), whether the same clients stay or some come and go. The failure is worth one WARN
 * line, then one line per 10 s with a count, not one per attempt (20 a second would bury every
 * other line of the log); and once the clients leave, the server serves again.
 */
class AcceptFailureLogIT {
    private static final int MAX_OPEN_FILES = 256;
    private static final int CONNECTIONS = 400;
    private static final Duration HOLD = Duration.ofSeconds(11);
    private static final long INTERVAL_MILLIS = 10_000;
    /** Lines allowed in any 10 s: the interval's line, and the first one (or a last count when failures stop). */
    private static final int LINES_PER_INTERVAL = 2;
    /** Between two steps of the hold. */
    private static final Duration STEP = Duration.ofMillis(50);
    /**
     * A warning about accepting, failed or working again, in slf4j-simple's line as the server
     * configures it: {@code 14:02:43.123 [echo-accept-PORT] WARN AcceptLoop - accept on ...}.
     */
    private static final Pattern ACCEPT_LINE = Pattern.compile(
            "^(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3}) .*\\bWARN\\b.*\\baccept", Pattern.CASE_INSENSITIVE);

    @Test
    void acceptFailuresAreLoggedOncePerIntervalAndTheServerServesAgain() throws IOException {
        floodHoldAndCount("held", (port, held) -> {});
    }

    /**
     * The same, while clients come and go: every 50 ms one held client leaves and a new one comes,
     * so each freed descriptor lets one accept succeed before they fail again. Failing, succeeding
     * once and failing again is still one run of failures to tell about, not two lines per success.
     */
    @Test
    void acceptFailuresWhileClientsComeAndGoAreStillLoggedOncePerInterval() throws IOException {
        floodHoldAndCount("held, one replaced every 50 ms", (port, held) -> {
            WireClient leaving = held.poll();
            if (leaving != null) {
                leaving.close();
            }
            held.add(WireClient.connect(port));
        });
    }

    /** What the test does every {@link #STEP} of the hold, with the port and the held connections. */
    private interface HoldStep {
        void run(int port, Queue<WireClient> held) throws IOException;
    }

    private static void floodHoldAndCount(String how, HoldStep step) throws IOException {
        try (ServerProcess server = ServerJar.process().maxOpenFiles(MAX_OPEN_FILES).args(
                "--host", "127.0.0.1", "--port", "0", "--log-level", "warn").start()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            Queue<WireClient> held = new ConcurrentLinkedQueue<>();
            long failingMillis;
            List<String> lines;
            try {
                Parallel.run(CONNECTIONS, Duration.ofSeconds(60), i -> held.add(WireClient.connect(port)))
                        .assertAllSucceeded("connections to the server (accepted or in its backlog)");
                Await.until("a first accept failure logged with " + CONNECTIONS + " connections against "
                                + MAX_OPEN_FILES + " open files", Duration.ofSeconds(30),
                        () -> !acceptLines(server).isEmpty() || !server.isAlive(), server::describe);
                long start = System.nanoTime();
                // An observation window paced by STEP, not synchronization: accepts keep failing meanwhile.
                while (System.nanoTime() - start < HOLD.toNanos() && server.isAlive()) {
                    step.run(port, held);
                    LockSupport.parkNanos(STEP.toNanos());
                }
                failingMillis = (System.nanoTime() - start) / 1_000_000;
                lines = acceptLines(server); // what was told while accepts failed; the recovery comes after
                assertTrue(server.isAlive(), "expected the server alive out of file descriptors: " + server.describe());
            } catch (IOException e) {
                throw new AssertionError("a client could not come or go during the hold", e);
            } finally {
                Clients.closeAll(held, "a held connection");
            }

            int busiest = busiestInterval(lines);
            System.err.println("echo-it: accept failures, clients " + how + " for " + failingMillis + " ms: " + lines.size()
                    + " WARN lines, at most " + busiest + " in 10 s; first: " + lines.stream().limit(3).toList());
            assertTrue(busiest <= LINES_PER_INTERVAL, "expected at most " + LINES_PER_INTERVAL + " accept-failure lines"
                    + " in any 10 s while accepts failed for " + failingMillis + " ms (clients " + how + "), but "
                    + lines.size() + " were logged, " + busiest + " in the busiest 10 s; first: " + lines.stream().limit(4).toList());

            Map<String, AtomicInteger> refusals = new LinkedHashMap<>();
            Await.until("a new client served once the held connections closed", Duration.ofSeconds(30),
                    Duration.ofMillis(250),
                    () -> {
                        String refused = Clients.echoOnce(port, "descriptors are free again", Duration.ofSeconds(5));
                        if (refused != null) {
                            refusals.computeIfAbsent(refused, k -> new AtomicInteger()).incrementAndGet();
                        }
                        return refused == null;
                    },
                    () -> "every attempt failed: " + refusals + "; " + server.describe());
        }
    }

    private static List<String> acceptLines(ServerProcess server) {
        return server.stderr().stream().filter(line -> ACCEPT_LINE.matcher(line).find()).toList();
    }

    /** The most lines whose timestamps fall within one 10 s window starting at a line. */
    private static int busiestInterval(List<String> lines) {
        List<Long> millis = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ACCEPT_LINE.matcher(line);
            if (m.find()) {
                millis.add(((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60
                        + Long.parseLong(m.group(3))) * 1000 + Long.parseLong(m.group(4)));
            }
        }
        int busiest = 0;
        for (int i = 0; i < millis.size(); i++) {
            int inWindow = 0;
            for (int j = i; j < millis.size(); j++) {
                // Modulo a day: a run across midnight still counts right.
                if (Math.floorMod(millis.get(j) - millis.get(i), 86_400_000L) < INTERVAL_MILLIS) {
                    inWindow++;
                }
            }
            busiest = Math.max(busiest, inWindow);
        }
        return busiest;
    }
}
