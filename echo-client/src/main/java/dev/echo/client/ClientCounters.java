package dev.echo.client;

import java.util.concurrent.atomic.LongAdder;

/** The client's counters, one call per event; {@link #snapshot} makes the public {@link ClientStats}. */
final class ClientCounters {
    private final LongAdder calls = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder lateAnswers = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    /** Why the last connection closed for a protocol error was closed; null if none was. */
    private volatile String lastProtocolError;
    private final LatencyHistogram latency = new LatencyHistogram();

    void call() {
        calls.increment();
    }

    void sent() {
        sent.increment();
    }

    void answered(long nanos) {
        answered.increment();
        latency.record(nanos);
    }

    void retried() {
        retried.increment();
    }

    void timedOut() {
        timedOut.increment();
        failed.increment();
    }

    void failed() {
        failed.increment();
    }

    void lateAnswer() {
        lateAnswers.increment();
    }

    void reconnect() {
        reconnects.increment();
    }

    /** A connection closed because the server broke the protocol, for {@code why}. */
    void protocolError(String why) {
        lastProtocolError = why;
        protocolErrors.increment();
    }

    String lastProtocolError() {
        return lastProtocolError;
    }

    ClientStats snapshot(int inFlight, int connections) {
        return new ClientStats(calls.sum(), sent.sum(), answered.sum(), retried.sum(), timedOut.sum(), failed.sum(),
                lateAnswers.sum(), protocolErrors.sum(), reconnects.sum(), inFlight, connections,
                new ClientStats.Latency(latency.snapshot()));
    }
}
