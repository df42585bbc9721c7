package dev.echo.bench.load;

import dev.echo.bench.load.RequestScript.Verdict;
import dev.echo.bench.load.RunState.Count;
import dev.echo.client.ClientConfig;
import dev.echo.client.EchoConnection;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one connection: keeps up to {@code pipeline} requests in flight, either as fast as answers
 * come (closed loop) or at intended send times spaced by the per-connection share of {@code --rate};
 * checks every answer against its {@link RequestScript}, and closes the connection at the first answer
 * that is not its request's. On stop it sends nothing more and waits for the answers still in flight.
 *
 * <p>The socket has no read timeout: on a virtual thread a timed read schedules and cancels a timer
 * on every wait, which cost the generator about a tenth of its CPU. Instead the run's clock calls
 * {@link #abortIfStuck} each second, which closes a connection whose answer is overdue.
 */
final class ConnectionDriver implements Driver {
    private final int id;
    private final LoadConfig config;
    private final ClientConfig clientConfig;
    private final RunState state;
    private volatile EchoConnection client;
    /** The connect under way, which a stop cuts short: there is no connection to close yet. */
    private final StoppableConnect connect = new StoppableConnect();
    /** When the current wait for an answer began (System.nanoTime), or 0 when not waiting. */
    private volatile long waitingSince;
    /** Why another thread closed the connection, or null: its thread's failure is then its own. */
    private volatile CloseReason closedFor;

    ConnectionDriver(int id, LoadConfig config, ClientConfig clientConfig, RunState state) {
        this.id = id;
        this.config = config;
        this.clientConfig = clientConfig;
        this.state = state;
    }

    @Override
    public void run() {
        EchoConnection client;
        try {
            client = connect.open(() -> EchoConnection.connect(clientConfig));
        } catch (IOException e) {
            if (connect.abandoned()) {
                state.connectAbandonedAtStop(id); // the user stopped the run, not the server's failure
                return;
            }
            state.increment(Count.CONNECTION_ERRORS);
            state.problem(e.getMessage());
            return;
        } finally {
            state.connectAttemptsDone.incrementAndGet();
        }
        this.client = client;
        state.connectionsOpened.incrementAndGet();
        state.open.incrementAndGet();
        try (client) {
            drive(client);
        } catch (IOException | RuntimeException e) {
            CloseReason reason = closedFor;
            if (reason == CloseReason.ABANDONED_AT_STOP) {
                // Not the connection's failure: the user stopped the run. Its requests count as unanswered.
                state.abandonedAtStop(id);
                return;
            }
            state.increment(Count.CONNECTION_ERRORS);
            state.problem("connection " + id + ": " + (reason == CloseReason.TIMED_OUT
                    ? "no answer within " + config.timeout().toMillis() + " ms" : e.getMessage()));
        } finally {
            state.open.decrementAndGet();
        }
    }

    /**
     * Closes the connection if it has waited for an answer for longer than {@code timeoutNanos};
     * its thread then fails out of its read and counts a connection error. Any thread may call it.
     */
    @Override
    public void abortIfStuck(long now, long timeoutNanos) {
        long since = waitingSince;
        if (since != 0 && now - since > timeoutNanos) {
            closeFor(CloseReason.TIMED_OUT);
        }
    }

    /**
     * Closes the connection now, whatever it is doing; its thread fails out of its read and counts
     * the failure as {@code reason} says. At the stop, a connect still under way is abandoned.
     */
    @Override
    public void closeFor(CloseReason reason) {
        EchoConnection c = client;
        if (c == null) {
            if (reason == CloseReason.ABANDONED_AT_STOP) {
                connect.abandon(); // a timed-out connect ends on its own connect timeout
            }
            return;
        }
        closedFor = reason;
        c.close();
    }

    private void drive(EchoConnection client) throws IOException {
        int pipeline = config.pipeline();
        RequestScript script = new RequestScript(id, config.size(), config.echoWeight(), config.addWeight(), pipeline);
        long[] sentAt = new long[pipeline];
        long nextSend = 0;
        long nextAnswer = 0;
        boolean paced = config.openLoop();
        long interval = paced ? Math.max(1, (long) (1e9 * config.connections() / config.rate())) : 0;
        // A random phase, so that paced connections do not all send at the same instant.
        long intended = System.nanoTime() + (paced ? ThreadLocalRandom.current().nextLong(interval) : 0);
        while (true) {
            int inFlight = (int) (nextSend - nextAnswer);
            if (!state.stopping && inFlight < pipeline) {
                if (!paced) {
                    client.send(script.request(nextSend));
                    sentAt[(int) (nextSend % pipeline)] = System.nanoTime();
                    nextSend++;
                    state.increment(Count.SENT);
                    continue; // receive() flushes once the window is full
                }
                long now = System.nanoTime();
                if (now >= intended) {
                    client.send(script.request(nextSend));
                    sentAt[(int) (nextSend % pipeline)] = intended; // corrects for coordinated omission
                    intended += interval;
                    nextSend++;
                    state.increment(Count.SENT);
                    continue;
                }
                if (inFlight == 0) {
                    LockSupport.parkNanos(Math.min(intended - now, 50_000_000L));
                    continue;
                }
            }
            if (inFlight == 0) {
                return; // stopping, and every answer is in
            }
            waitingSince = System.nanoTime() | 1; // never 0 while waiting
            ServerMessage answer = client.receive();
            waitingSince = 0;
            long latency = System.nanoTime() - sentAt[(int) (nextAnswer % pipeline)];
            state.latencyNanos.recordValue(Math.max(0, latency));
            state.increment(Count.ANSWERED);
            Verdict verdict = script.verify(nextAnswer, answer);
            if (verdict == Verdict.MISMATCH) {
                state.increment(Count.MISMATCHES);
                state.problem("connection " + id + ", request " + nextAnswer + ": "
                        + script.mismatch(nextAnswer, answer).orElse("mismatch"));
                // Answers carry no request id: after one that is not its request's (a lost or doubled
                // answer), every later one is matched to the wrong request. Close, as the library does;
                // the requests still in flight are counted unanswered.
                return;
            } else if (verdict == Verdict.ERROR_ANSWER) {
                state.increment(Count.ERROR_ANSWERS);
                state.problem("connection " + id + ", request " + nextAnswer + ": "
                        + script.mismatch(nextAnswer, answer).orElse("error answer"));
            }
            nextAnswer++;
        }
    }
}
