package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Accept failures, 20 a second as when out of file descriptors, become one line per interval. */
class AcceptFailureLogTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final List<String> lines = new ArrayList<>();
    private final AcceptFailureLog log = new AcceptFailureLog("127.0.0.1:9000", lines::add, Duration.ofSeconds(10));

    @Test
    void fortySecondsOfFailuresEveryFiftyMillisecondsGiveFiveLines() {
        IOException error = new IOException("Too many open files");
        for (long t = 0; t < 40_000; t += 50) {
            log.failed(error, t * MS);
        }
        // The first at once, then one per 10 s window with its count.
        assertEquals(4, lines.size(), "lines: " + lines);
        assertTrue(lines.get(0).startsWith("accept on 127.0.0.1:9000 failed: java.io.IOException: Too many open files"),
                lines.get(0));
        assertEquals("accept on 127.0.0.1:9000 failed 200 more times in the last 10s (last: java.io.IOException:"
                + " Too many open files)", lines.get(1));
        log.succeeded(40_000 * MS);
        assertEquals(5, lines.size(), "a success after untold failures tells them: " + lines);
        assertTrue(lines.get(4).endsWith("; accepting again"), lines.get(4));
        long told = lines.stream().skip(1).mapToLong(AcceptFailureLogTest::count).sum();
        assertEquals(799, told, "every failure after the first is counted exactly once: " + lines);
    }

    @Test
    void aNewRunOfFailuresAfterRecoveryIsToldAtOnce() {
        log.failed(new IOException("first"), 0);
        log.succeeded(MS);
        log.failed(new IOException("second"), 2 * MS);
        assertEquals(3, lines.size(), "lines: " + lines);
        assertEquals("accept on 127.0.0.1:9000 works again", lines.get(1));
        assertTrue(lines.get(2).contains("second"), lines.get(2));
    }

    @Test
    void successWithoutFailuresSaysNothing() {
        log.succeeded(0);
        log.succeeded(MS);
        assertEquals(List.of(), lines);
    }

    private static long count(String line) {
        String rest = line.substring(line.indexOf(" failed ") + " failed ".length());
        return Long.parseLong(rest.substring(0, rest.indexOf(' ')));
    }
}
