package dev.echo.client;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Call latencies in nanoseconds, in log-linear buckets: each power of two is split in {@value
 * #SUB_BUCKETS}, so a percentile is within 12.5% of the truth. Fixed size (4 KiB), lock-free, no
 * allocation per value: light enough for a library, which should not bring HdrHistogram to its users
 * for a statistic most of them only glance at. Thread-safe.
 */
final class LatencyHistogram {
    static final int SUB_BUCKETS = 8;
    private static final int SUB_BITS = 3;
    private static final int BUCKETS = 64 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet(index(Math.max(1, nanos)));
    }

    static int index(long value) {
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        if (exponent < SUB_BITS) {
            return (int) value; // 1 to 7: exact
        }
        int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
        return exponent * SUB_BUCKETS + sub;
    }

    /** The largest value that falls in bucket {@code index}. */
    static long upperBound(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int exponent = index / SUB_BUCKETS;
        long sub = index % SUB_BUCKETS;
        long base = 1L << exponent;
        long width = 1L << (exponent - SUB_BITS);
        return base + (sub + 1) * width - 1;
    }

    /** A copy of the counts, for percentiles that agree with each other. */
    long[] snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /**
     * The value at {@code percentile} (0 to 100) of {@code snapshot}: the upper bound of the bucket
     * that holds it; 0 if empty.
     */
    static long valueAt(long[] snapshot, double percentile) {
        long total = 0;
        for (long c : snapshot) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < snapshot.length; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(snapshot.length - 1);
    }
}
