package dev.echo.bench.load;

import dev.echo.bench.load.RequestScript.Verdict;
import dev.echo.bench.load.RunState.Count;
import dev.echo.client.ClientConfig;
import dev.echo.client.EchoConnection;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;

/**
 * Drives one slot of {@code --new-connection-per-request}: connect (and, with TLS, handshake), one
 * request, its answer, close; again until the run stops. Each request's latency counts from before
 * its connect, so with TLS the throughput is full handshakes per second and the latency a handshake
 * plus a round trip. At a stop the user asked for, {@link #closeFor} closes the connection of a
 * request still waiting for its answer, or abandons its connect.
 */
final class PerRequestDriver implements Driver {
    private final int id;
    private final LoadConfig config;
    private final ClientConfig clientConfig;
    private final RunState state;
    /** The connection of the request under way, for {@link #closeFor}; null between requests. */
    private volatile EchoConnection current;
    private volatile boolean abandonedAtStop;
    /** The connects, which a stop cuts short: the request has no connection to close yet. */
    private final StoppableConnect connect = new StoppableConnect();

    /** {@code clientConfig} must have a read timeout: nothing watches these connections. */
    PerRequestDriver(int id, LoadConfig config, ClientConfig clientConfig, RunState state) {
        this.id = id;
        this.config = config;
        this.clientConfig = clientConfig;
        this.state = state;
    }

    @Override
    public void run() {
        RequestScript script = new RequestScript(id, config.size(), config.echoWeight(), config.addWeight(), 1);
        boolean first = true;
        for (long n = 0; first || !state.stopping; n++) {
            long start = System.nanoTime();
            EchoConnection client;
            try {
                client = connect.open(() -> EchoConnection.connect(clientConfig));
            } catch (IOException e) {
                if (abandonedAtStop) {
                    state.connectAbandonedAtStop(id); // the user stopped the run, not the server's failure
                } else {
                    state.increment(Count.CONNECTION_ERRORS);
                    state.problem(e.getMessage());
                }
                if (first) {
                    state.connectAttemptsDone.incrementAndGet();
                }
                return;
            }
            if (first) {
                state.connectAttemptsDone.incrementAndGet();
                state.connectionsOpened.incrementAndGet();
                first = false;
            }
            state.open.incrementAndGet();
            current = client;
            if (abandonedAtStop) {
                client.close(); // abandoned while it connected: the read below fails at once
            }
            try (client) {
                client.send(script.request(n));
                state.increment(Count.SENT);
                ServerMessage answer = client.receive();
                state.latencyNanos.recordValue(Math.max(0, System.nanoTime() - start));
                state.increment(Count.ANSWERED);
                Verdict verdict = script.verify(n, answer);
                if (verdict != Verdict.OK) {
                    state.increment(verdict == Verdict.MISMATCH ? Count.MISMATCHES : Count.ERROR_ANSWERS);
                    state.problem("connection " + id + ", request " + n + ": "
                            + script.mismatch(n, answer).orElse("mismatch"));
                }
            } catch (IOException | RuntimeException e) {
                if (abandonedAtStop) {
                    // Not the connection's failure: the user stopped the run. Its request counts as unanswered.
                    state.abandonedAtStop(id);
                    return;
                }
                state.increment(Count.CONNECTION_ERRORS);
                state.problem("connection " + id + ", request " + n + ": " + e.getMessage());
                return;
            } finally {
                current = null;
                state.open.decrementAndGet();
            }
        }
    }

    /**
     * At the stop, closes the connection of the request under way, if any: its answer is abandoned;
     * or ends its connect.
     */
    @Override
    public void closeFor(CloseReason reason) {
        if (reason != CloseReason.ABANDONED_AT_STOP) {
            return; // a late answer fails its connection's own read timeout
        }
        abandonedAtStop = true;
        connect.abandon();
        EchoConnection c = current;
        if (c != null) {
            c.close();
        }
    }
}
