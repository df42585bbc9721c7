package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * 10 s interval). The failure is worth one WARN line, then one line per 10 s with a count, not one
 * per attempt (20 a second would bury every other line of the log); and once the clients leave, the
 * server serves again.
 */
class AcceptFailureLogIT {
    private static final int MAX_OPEN_FILES = 256;
    private static final int CONNECTIONS = 400;
    private static final Duration HOLD = Duration.ofSeconds(11);
    private static final long INTERVAL_MILLIS = 10_000;
    /** Lines allowed in any 10 s: the interval's line, and the first line or a last count when failures stop. */
    private static final int LINES_PER_INTERVAL = 2;
    /** slf4j-simple's line, as the server configures it: {@code 14:02:43.123 [echo-accept-PORT] WARN ...}. */
    private static final Pattern ACCEPT_FAILURE = Pattern.compile(
            "^(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3}) .*\\bWARN\\b.*accept.*fail", Pattern.CASE_INSENSITIVE);

    @Test
    void acceptFailuresAreLoggedOncePerIntervalAndTheServerServesAgain() {
        try (ServerProcess server = ServerProcess.startWithOpenFileLimit(MAX_OPEN_FILES, List.of(),
                "--host", "127.0.0.1", "--port", "0", "--log-level", "warn")) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            Queue<RawConnection> held = new ConcurrentLinkedQueue<>();
            long failingMillis;
            try {
                Parallel.run(CONNECTIONS, Duration.ofSeconds(60), i -> held.add(RawConnection.open(port)))
                        .assertAllSucceeded("connections to the server (accepted or in its backlog)");
                Await.until("a first accept failure logged with " + CONNECTIONS + " connections against "
                                + MAX_OPEN_FILES + " open files", Duration.ofSeconds(30),
                        () -> !acceptFailures(server).isEmpty() || !server.isAlive(), server::describe);
                long start = System.nanoTime();
                // An observation window, not synchronization: accepts keep failing while the connections are held.
                while (System.nanoTime() - start < HOLD.toNanos() && server.isAlive()) {
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
                failingMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(server.isAlive(), "expected the server alive out of file descriptors: " + server.describe());
            } finally {
                closeAll(held);
            }

            List<String> lines = acceptFailures(server);
            int busiest = busiestInterval(lines);
            System.err.println("echo-it: accept failures held for " + failingMillis + " ms: " + lines.size()
                    + " WARN lines, at most " + busiest + " in 10 s; first: " + lines.stream().limit(3).toList());
            assertTrue(busiest <= LINES_PER_INTERVAL, "expected at most " + LINES_PER_INTERVAL + " accept-failure lines"
                    + " in any 10 s while accepts failed for " + failingMillis + " ms, but " + lines.size()
                    + " were logged, " + busiest + " in the busiest 10 s; first: " + lines.stream().limit(3).toList());

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

    private static List<String> acceptFailures(ServerProcess server) {
        return server.stderr().stream().filter(line -> ACCEPT_FAILURE.matcher(line).find()).toList();
    }

    /** The most lines whose timestamps fall within one 10 s window starting at a line. */
    private static int busiestInterval(List<String> lines) {
        List<Long> millis = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ACCEPT_FAILURE.matcher(line);
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

    private static void closeAll(Queue<RawConnection> connections) {
        for (RawConnection connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                System.err.println("echo-it: closing a held connection failed: " + e);
            }
        }
    }
}
