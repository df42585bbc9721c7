package dev.echo.cli;

import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.TlsMaterialException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TLS options of every tool that connects to a server (the shell, {@code echo-load}, {@code
 * echo-probe}), defined once so that each spells and explains them alike, and the one function from
 * a parsed command line to a {@link ClientTls}. Any of them turns TLS on.
 *
 * <pre>{@code
 * CommandSpec.builder("echo-client").group("TLS", ClientTlsOptions.ALL) ...
 * ClientTls tls = ClientTlsOptions.clientTls(SPEC, args, System.err);
 * }</pre>
 */
public final class ClientTlsOptions {
    private ClientTlsOptions() {}

    /** A path to a file that exists and can be read. */
    static final ValueType<Path> READABLE_FILE = ValueType.of("a readable file", text -> {
        Path path = Path.of(text);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("not a readable file");
        }
        return path;
    });

    public static final CliOption<Boolean> TLS = CliOption.flag("tls",
            "speak TLS, trusting the JDK's CAs (any other --tls-* option also turns TLS on)");
    public static final CliOption<Path> TLS_CA = CliOption.value("tls-ca", "FILE", READABLE_FILE,
            "speak TLS, trusting only the CAs in this PEM bundle to issue the server's certificate");
    public static final CliOption<Path> TLS_CERT = CliOption.value("tls-cert", "FILE", READABLE_FILE,
            "client certificate chain (PEM) for servers that require one; needs --tls-key");
    public static final CliOption<Path> TLS_KEY = CliOption.value("tls-key", "FILE", READABLE_FILE,
            "the client certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1)");
    public static final CliOption<String> TLS_SERVER_NAME = CliOption.value("tls-server-name", "NAME",
            ValueType.of("a host name or IP address", ClientTls::checkServerName),
            "name sent as SNI and expected in the server's certificate").defaultLabel("the host");
    public static final CliOption<Boolean> TLS_INSECURE_SKIP_HOSTNAME_VERIFICATION = CliOption.flag(
            "tls-insecure-skip-hostname-verification",
            "accept a certificate from a trusted CA whatever name it holds (insecure: prints a warning)");

    /** Every TLS option, in help order: {@code .group("TLS", ClientTlsOptions.ALL)}. */
    public static final CliOption<?>[] ALL = {TLS, TLS_CA, TLS_CERT, TLS_KEY, TLS_SERVER_NAME,
        TLS_INSECURE_SKIP_HOSTNAME_VERIFICATION};

    /**
     * The client TLS the command line asks for, its files already read ({@link ClientTls#context()}),
     * or {@link ClientTls#OFF} when no TLS option is given. Turning host name verification off prints
     * {@code TOOL: warning: ...} on {@code err}.
     *
     * @throws UsageException for a certificate without its key or the reverse, and for a file that
     *     cannot be used ({@code FILE: what is wrong})
     */
    public static ClientTls clientTls(CommandSpec spec, ParsedArgs args, PrintStream err) throws UsageException {
        boolean on = false;
        for (CliOption<?> option : List.of(ALL)) {
            on |= args.isGiven(option);
        }
        if (!on) {
            return ClientTls.OFF;
        }
        Path cert = args.get(TLS_CERT);
        Path key = args.get(TLS_KEY);
        if ((cert == null) != (key == null)) {
            throw new UsageException(cert == null ? "--tls-key needs --tls-cert (the certificate it belongs to)"
                    : "--tls-cert needs --tls-key (the certificate's private key)");
        }
        ClientTls.Builder builder = ClientTls.builder().trustedCa(args.get(TLS_CA)).clientCertificate(cert, key)
                .serverName(args.get(TLS_SERVER_NAME));
        if (args.get(TLS_INSECURE_SKIP_HOSTNAME_VERIFICATION)) {
            builder.insecureSkipHostnameVerification();
            err.println(spec.name() + ": warning: --tls-insecure-skip-hostname-verification: the server's certificate"
                    + " is not checked against its name; anyone with a certificate from a trusted CA can pose as it");
            err.flush();
        }
        ClientTls tls = builder.build();
        try {
            tls.context();
        } catch (TlsMaterialException e) {
            throw new UsageException(e.getMessage());
        }
        return tls;
    }
}
