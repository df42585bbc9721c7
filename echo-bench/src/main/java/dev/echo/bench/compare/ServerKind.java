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

    public Path jar(RepoJars jars) throws UsageException {
        return this == NETTY ? jars.benchJar() : jars.serverJar();
    }

    public String mainClass() {
        return this == NETTY ? "dev.echo.bench.netty.NettyMain" : "dev.echo.server.Main";
    }

    /** Arguments for port 0, room for {@code maxConnections}, and for PLATFORM a pool of {@code platformThreads}. */
    public List<String> args(int maxConnections, int platformThreads) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        switch (this) {
            case VIRTUAL -> args.addAll(List.of("--threads", "virtual", "--max-connections", Integer.toString(maxConnections)));
            case PLATFORM -> args.addAll(List.of("--threads", "platform:" + platformThreads,
                    "--max-connections", Integer.toString(maxConnections)));
            case NETTY -> { }
        }
        return args;
    }

    public static ServerKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown server '" + text + "': expected virtual, platform or netty", e);
        }
    }
}
