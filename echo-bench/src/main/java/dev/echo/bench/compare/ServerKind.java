package dev.echo.bench.compare;

import dev.echo.bench.RepoJars;
import dev.echo.cli.UsageException;
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
    /** The Netty 4.2 peer from echo-bench (with TLS: the JDK's TLS, as echo-server). */
    NETTY("netty"),
    /** The Netty peer with OpenSSL's TLS (BoringSSL through netty-tcnative); only with compare's --tls. */
    NETTY_OPENSSL("netty+openssl");

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
            case NETTY, NETTY_OPENSSL -> jars.benchJar();
            case BASELINE -> throw new IllegalStateException("the baseline's jar is the --baseline-jar value, not a"
                    + " jar of this repository");
        };
    }

    public String mainClass() {
        return this == NETTY || this == NETTY_OPENSSL ? "dev.echo.bench.netty.NettyMain" : "dev.echo.server.Main";
    }

    /** Arguments for port 0, room for {@code maxConnections}, and for PLATFORM a pool of {@code platformThreads}. */
    public List<String> args(int maxConnections, int platformThreads) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        switch (this) {
            case VIRTUAL, BASELINE -> args.addAll(List.of("--threads", "virtual", "--max-connections", Integer.toString(maxConnections)));
            case PLATFORM -> args.addAll(List.of("--threads", "platform:" + platformThreads,
                    "--max-connections", Integer.toString(maxConnections)));
            case NETTY, NETTY_OPENSSL -> { }
        }
        return args;
    }

    /** The arguments that make this server serve TLS only with {@code pem}. */
    public List<String> tlsArgs(SelfSignedPem pem) {
        List<String> args = new ArrayList<>(List.of("--tls-cert", pem.certificate().toString(),
                "--tls-key", pem.privateKey().toString()));
        switch (this) {
            case NETTY -> args.addAll(List.of("--tls-provider", "jdk"));
            case NETTY_OPENSSL -> args.addAll(List.of("--tls-provider", "openssl"));
            case VIRTUAL, BASELINE, PLATFORM -> { }
        }
        return args;
    }

    /** "virtual", "platform" or "netty"; the baseline is not named, it comes with compare's --baseline-jar. */
    public static ServerKind parse(String text) {
        ServerKind kind;
        try {
            kind = valueOf(text.trim().toUpperCase(Locale.ROOT).replace('+', '_').replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown server '" + text + "': expected virtual, platform, netty or netty+openssl", e);
        }
        if (kind == BASELINE) {
            throw new IllegalArgumentException("server 'baseline' is not built here: compare adds it when given"
                    + " --baseline-jar PATH");
        }
        return kind;
    }
}
