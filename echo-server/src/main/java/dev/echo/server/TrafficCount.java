package dev.echo.server;

import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;

/** Adds the bytes one connection read and wrote to the server's counters as they grow, each byte once. */
final class TrafficCount {
    private final ServerCounters counters;
    private long bytesInCounted;
    private long bytesOutCounted;

    TrafficCount(ServerCounters counters) {
        this.counters = counters;
    }

    /** Adds what {@code reader} and {@code writer} moved since the last call. */
    void update(FrameReader reader, FrameWriter writer) {
        long in = reader.bytesRead();
        if (in != bytesInCounted) { // a shared counter is not touched for nothing
            counters.bytesIn(in - bytesInCounted);
            bytesInCounted = in;
        }
        long out = writer.bytesWritten();
        if (out != bytesOutCounted) {
            counters.bytesOut(out - bytesOutCounted);
            bytesOutCounted = out;
        }
    }
}
