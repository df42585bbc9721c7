package dev.echo.it.replica;

import dev.echo.core.CliNames;
import java.io.IOException;

/** The two designs of the original Rust server that the replicas reproduce. */
public enum Design {
    /** Single-threaded: one client at a time; a client's I/O error ends the whole server. */
    ORIGINAL,
    /** Accept thread behind a mutex, a thread per client, an {@code is_running} flag stop() cannot deliver. */
    SOLUTION;

    /** Binds {@code host:port} (0 = any free port) and starts serving. */
    public Replica start(String host, int port) throws IOException {
        return switch (this) {
            case ORIGINAL -> OriginalReplica.start(host, port);
            case SOLUTION -> SolutionReplica.start(host, port);
        };
    }

    /** {@code original} or {@code solution}. */
    public String cliName() {
        return CliNames.of(this);
    }

    /**
     * Parses a command-line name, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static Design fromCliName(String name) {
        return CliNames.parse(Design.class, "design", name);
    }
}
