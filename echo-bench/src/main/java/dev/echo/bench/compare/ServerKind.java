package dev.echo.bench.compare;

import dev.echo.bench.RepoJars;
import dev.echo.bench.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The servers the comparison runs, each as its own process. */
public enum ServerKind {
    /** This project's server, a virtual thread per connection. */
    VIRTUAL("echo-server (virtual)"),
    /**
     * echo-server from another build (compare's {@code --baseline-jar}), run exactly like VIRTUAL: the
     * before side of a before/after comparison. Its jar is not in this repository.
     */
    BASELINE("baseline (virtual)"),
    /** This project's server on a platform-thread pool: the original design. */
    PLATFORM("echo-server (platform)"),
    /** The Netty 4.2 peer from echo-bench. */
    NETTY("netty");

    private final String label;

    ServerKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * This repository's built jar for this server.
     *
     * @throws IllegalStateException for BASELINE, whose jar comes from compare's --baseline-jar
     */
    public Path jar(RepoJars jars) throws UsageException {
        return switch (this) {
            case VIRTUAL, PLATFORM -> jars.serverJar();
            case NETTY -> jars.benchJar();
            case BASELINE -> throw new IllegalStateException("the baseline's jar is the --baseline-jar value, not a"
                    + " jar of this repository");
        };
    }

    public String mainClass() {
        return this == NETTY ? "dev.echo.bench.netty.NettyMain" : "dev.echo.server.Main";
    }

    /** Arguments for port 0, room for {@code maxConnections}, and for PLATFORM a pool of {@code platformThreads}. */
    public List<String> args(int maxConnections, int platformThreads) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        switch (this) {
            case VIRTUAL, BASELINE -> args.addAll(List.of("--threads", "virtual", "--max-connections", Integer.toString(maxConnections)));
            case PLATFORM -> args.addAll(List.of("--threads", "platform:" + platformThreads,
                    "--max-connections", Integer.toString(maxConnections)));
            case NETTY -> { }
        }
        return args;
    }

    /** "virtual", "platform" or "netty"; the baseline is not named, it comes with compare's --baseline-jar. */
    public static ServerKind parse(String text) {
        ServerKind kind;
        try {
            kind = valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown server '" + text + "': expected virtual, platform or netty", e);
        }
        if (kind == BASELINE) {
            throw new IllegalArgumentException("server 'baseline' is not built here: compare adds it when given"
                    + " --baseline-jar PATH");
        }
        return kind;
    }
}
