package dev.echo.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of an {@link EchoClient}'s counters, from {@link EchoClient#stats()}. Counts are since
 * the client was made; each is read on its own, so two of them may be a request apart.
 *
 * @param calls requests callers made (echo and add, sync and async)
 * @param sent attempts written to a connection, retries included
 * @param answered calls that ended with an answer (error answers included)
 * @param retried attempts sent again after a lost connection, a write that failed or SHUTTING_DOWN
 * @param timedOut calls that ended at their deadline
 * @param failed calls that ended without an answer: timed out, connection lost, bad answer, closed
 * @param lateAnswers answers that came after their request had timed out, read and dropped
 * @param protocolErrors connections closed because the server broke the protocol: an answer meant for
 *     another request (answered twice or out of order), to no request, of the wrong kind, or not a valid
 *     frame or ServerMessage; why the last one was closed is {@link EchoClient#lastProtocolError()}
 * @param reconnects connections opened after the first one to each address
 * @param inFlight calls outstanding now (holding one of {@link ClientConfig#maxInFlight()})
 * @param connections connections open now
 * @param latency the answered calls' latency, from the call to its answer
 */
public record ClientStats(long calls, long sent, long answered, long retried, long timedOut, long failed,
                          long lateAnswers, long protocolErrors, long reconnects, int inFlight, int connections,
                          Latency latency) {

    public ClientStats {
        Objects.requireNonNull(latency, "latency");
    }

    /** Percentiles of answered calls' latency, within 12.5% (log-linear buckets). */
    public static final class Latency {
        private final long[] buckets;

        Latency(long[] buckets) {
            this.buckets = buckets;
        }

        /** Answered calls counted. */
        public long count() {
            long total = 0;
            for (long b : buckets) {
                total += b;
            }
            return total;
        }

        /**
         * The latency at {@code percentile}: {@code at(99)} is the p99; zero if nothing was answered.
         *
         * @throws IllegalArgumentException if {@code percentile} is not from 0 to 100
         */
        public Duration at(double percentile) {
            if (!(percentile >= 0 && percentile <= 100)) {
                throw new IllegalArgumentException("percentile must be from 0 to 100: " + percentile);
            }
            return Duration.ofNanos(LatencyHistogram.valueAt(buckets, percentile));
        }

        @Override
        public String toString() {
            return "Latency[count=" + count() + ", p50=" + at(50) + ", p99=" + at(99) + ", p99.9=" + at(99.9)
                    + ", max=" + at(100) + "]";
        }
    }
}
