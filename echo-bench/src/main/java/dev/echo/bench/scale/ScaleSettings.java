package dev.echo.bench.scale;

import dev.echo.bench.RepoJars;
import dev.echo.bench.compare.ServerKind;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One {@code scale} run's settings. Immutable.
 *
 * @param jars where the server's and the generators' jars are
 * @param server which server to run
 * @param serverJvmOptions extra JVM options for the server process
 * @param connections total connections, at least {@code processes}
 * @param processes load-generator processes sharing them, at least 1
 * @param duration measured time, positive
 * @param perConnectionRate requests per second per connection, positive
 * @param connectRate new connections per second per process, positive
 */
record ScaleSettings(RepoJars jars, ServerKind server, List<String> serverJvmOptions, int connections,
                     int processes, Duration duration, double perConnectionRate, double connectRate) {

    /** A process may hold 20,000 files here; this leaves room for its own. */
    static final int MAX_CONNECTIONS_PER_PROCESS = 18_000;
    /** Time for the connections to open and settle before the measured window. */
    static final Duration WARMUP = Duration.ofSeconds(5);

    /** @throws IllegalArgumentException naming what is wrong */
    ScaleSettings {
        Objects.requireNonNull(jars, "jars");
        Objects.requireNonNull(server, "server");
        serverJvmOptions = List.copyOf(serverJvmOptions);
        Objects.requireNonNull(duration, "duration");
        if (connections < 1 || processes < 1 || processes > connections || !(perConnectionRate > 0)
                || !(connectRate > 0) || !duration.isPositive()) {
            throw new IllegalArgumentException("need connections >= processes >= 1, positive rates and duration");
        }
        if (largestShare(connections, processes) > MAX_CONNECTIONS_PER_PROCESS) {
            throw new IllegalArgumentException(largestShare(connections, processes)
                    + " connections per process exceed the 20,000 open files a process may hold here:"
                    + " use more --processes");
        }
    }

    /** The connections load generator {@code i} (from 0) opens: an even share, the first ones one more. */
    int share(int i) {
        return connections / processes + (i < connections % processes ? 1 : 0);
    }

    /** How long the largest share takes to connect at the connect rate, in milliseconds. */
    long connectMillis() {
        return (long) (largestShare(connections, processes) * 1000 / connectRate);
    }

    private static int largestShare(int connections, int processes) {
        return (connections + processes - 1) / processes;
    }
}
