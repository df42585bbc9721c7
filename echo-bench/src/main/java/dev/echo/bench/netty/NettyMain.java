package dev.echo.bench.netty;

import dev.echo.core.tls.TlsMaterialException;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import dev.echo.bench.StopSignals;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOptions;
import dev.echo.cli.UsageException;
import dev.echo.cli.ValueType;
import dev.echo.core.HostPort;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the Netty peer: {@code echo-load netty-server --port 0}, or {@code java -cp echo-bench.jar
 * dev.echo.bench.netty.NettyMain --port 0}. Prints {@code echo-load netty-server listening on
 * HOST:PORT (transport=epoll)} once bound; SIGINT/SIGTERM close it and exit 0; a bad argument is one
 * line on stderr and exit 2.
 */
public final class NettyMain {
    static final String NAME = "echo-load netty-server";

    static final CliOption<String> HOST = StandardOptions.host("address to listen on", "127.0.0.1");
    static final CliOption<Integer> PORT = StandardOptions.port("TCP port; 0 = any free port", 8081);
    static final CliOption<Integer> MAX_FRAME_BYTES = CliOption.value("max-frame-bytes", "N",
            ValueType.intRange(1, Integer.MAX_VALUE), "longest frame accepted").defaultValue("4194304");
    static final CliOption<Integer> WORKERS = CliOption.value("workers", "N", ValueType.intRange(0, Integer.MAX_VALUE),
            "event loop threads; 0 = Netty's default of 2 x cores").defaultValue("0");

    static final CliOption<Path> TLS_CERT = CliOption.value("tls-cert", "FILE", ValueType.text().map(Path::of),
            "serve TLS only, with this PEM certificate chain (needs --tls-key)");
    static final CliOption<Path> TLS_KEY = CliOption.value("tls-key", "FILE", ValueType.text().map(Path::of),
            "the certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1)");
    static final CliOption<Path> TLS_CLIENT_CA = CliOption.value("tls-client-ca", "FILE", ValueType.text().map(Path::of),
            "require client certificates issued by a CA in this PEM bundle");
    static final CliOption<NettyTls.Provider> TLS_PROVIDER = CliOption.value("tls-provider", "jdk|openssl",
            ValueType.oneOf(List.of("jdk", "openssl")).map(n -> NettyTls.Provider.valueOf(n.toUpperCase(Locale.ROOT))),
            "the TLS implementation: the JDK's (as echo-server) or OpenSSL (netty-tcnative, where it loads)")
            .defaultValue("jdk");

    static final CommandSpec SPEC = CommandSpec.builder(NAME)
            .header("The Netty 4.2 peer server: the same protocol (delimited framing) and answers as echo-server,"
                    + " the reference echo-load compare measures against.")
            .group("Listening", HOST, PORT)
            .group("TLS", TLS_CERT, TLS_KEY, TLS_CLIENT_CA, TLS_PROVIDER)
            .group("Limits and threads", MAX_FRAME_BYTES, WORKERS)
            .footer("Example: " + NAME + " --port 0\n"
                    + "Exit code: 0 stopped by SIGINT or SIGTERM, 2 a bad argument or an address it cannot listen on.")
            .build();

    private NettyMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        NettyEchoServer server;
        try {
            ParsedArgs line = SPEC.parse(args, System.getenv());
            if (SPEC.printedHelpOrVersion(line, out)) {
                return CommandSpec.EXIT_OK;
            }
            if (!line.arguments().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.arguments().get(0) + "' (try --help)");
            }
            server = new NettyEchoServer(line.get(HOST), line.get(PORT), line.get(MAX_FRAME_BYTES), line.get(WORKERS));
            server.tls(tls(line));
        } catch (UsageException e) {
            return SPEC.usageError(err, e);
        }
        try {
            server.start();
        } catch (IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return CommandSpec.EXIT_USAGE;
        }
        out.println(NAME + " listening on " + HostPort.of(server.host(), server.port())
                + " (transport=" + server.transport() + (line(server)) + ")");
        out.flush();
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.onTermOrInt(stopRequested::countDown);
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        out.println(NAME + " stopped");
        return CommandSpec.EXIT_OK;
    }

    private static String line(NettyEchoServer server) {
        return server.tlsProvider() == null ? "" : ", tls=" + server.tlsProvider();
    }

    /** The TLS context the options ask for, or null for clear text. */
    private static SslContext tls(ParsedArgs line) throws UsageException {
        Path cert = line.get(TLS_CERT);
        Path key = line.get(TLS_KEY);
        if (cert == null && key == null) {
            if (line.get(TLS_CLIENT_CA) != null) {
                throw new UsageException("--tls-client-ca needs --tls-cert and --tls-key (a TLS listener)");
            }
            return null;
        }
        if (cert == null || key == null) {
            throw new UsageException(cert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        NettyTls.Provider provider = line.get(TLS_PROVIDER);
        if (!provider.available()) {
            throw new UsageException("--tls-provider openssl: OpenSSL (netty-tcnative) does not load here");
        }
        try {
            return NettyTls.serverContext(cert, key, line.get(TLS_CLIENT_CA), provider);
        } catch (TlsMaterialException e) {
            throw new UsageException(e.getMessage());
        } catch (SSLException e) {
            throw new UsageException(cert + ": the TLS provider refused it: " + e.getMessage());
        }
    }
}
