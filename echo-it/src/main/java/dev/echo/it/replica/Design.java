package dev.echo.it.replica;

import java.io.IOException;
import java.util.Locale;

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
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line name, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static Design fromCliName(String name) {
        for (Design design : values()) {
            if (design.cliName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return design;
            }
        }
        throw new IllegalArgumentException("unknown design '" + name + "': expected original or solution");
    }
}
