package dev.echo.it.probe;

import dev.echo.core.Framing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server under test as one check sees it: opens connections and remembers them, so that
 * whatever a check leaves open is closed before the next check starts.
 */
final class Target {
    private static final Duration CLOSE_ALL_DRAIN = Duration.ofSeconds(2);

    private final ProbeConfig config;
    private final List<ProbeConnection> opened = new ArrayList<>();

    Target(ProbeConfig config) {
        this.config = config;
    }

    Framing framing() {
        return config.framing();
    }

    Duration timeout() {
        return config.timeout();
    }

    String timeoutText() {
        return Probe.format(config.timeout());
    }

    ProbeConnection connect() throws TargetUnreachableException {
        ProbeConnection connection = ProbeConnection.open(config);
        synchronized (opened) {
            opened.add(connection);
        }
        return connection;
    }

    /** Closes every connection at once; blocked readers wake up with an exception. */
    void abortAll() {
        for (ProbeConnection connection : snapshot()) {
            connection.abort();
        }
    }

    /**
     * Closes every connection still open politely, oldest first (a one-client-at-a-time server
     * gets to the next one only when the one it serves is gone), within 2 s for all of them.
     */
    void closeAll() {
        long deadline = System.nanoTime() + CLOSE_ALL_DRAIN.toNanos();
        for (ProbeConnection connection : snapshot()) {
            connection.close(deadline);
        }
        synchronized (opened) {
            opened.clear();
        }
    }

    private List<ProbeConnection> snapshot() {
        synchronized (opened) {
            return List.copyOf(opened);
        }
    }
}
