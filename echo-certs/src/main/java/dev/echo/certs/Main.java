package dev.echo.certs;

import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.OutputFiles;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.StandardOutput;
import dev.echo.cli.UsageException;
import dev.echo.cli.ValueType;
import dev.echo.core.tls.PemFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code bin/echo-certs DIR}: writes the development set of certificates ({@link DevCertificates}). */
public final class Main {
    static final String NAME = "echo-certs";
    static final int EXIT_FAILED = 1;

    static final CliOption<List<String>> NAMES = CliOption.value("name", "NAME[,NAME...]",
            ValueType.of("DNS names or IP addresses, comma-separated", Main::names),
            "more names for the server certificate, besides localhost, 127.0.0.1 and ::1");
    static final CliOption<Integer> DAYS = CliOption.value("days", "N", ValueType.intRange(1, 3650),
            "how many days the certificates are valid").defaultValue("365");
    static final CliOption<Boolean> FORCE = CliOption.flag("force", "replace files that exist in DIR");

    static final CommandSpec SPEC = CommandSpec.builder(NAME)
            .usage(NAME + " DIR [--name NAME[,NAME...]] [--days N] [--force]")
            .header("Writes a fresh development CA and a server and a client certificate it issued into DIR, as PEM:"
                    + " ca.pem, ca.key, server.pem (chain), server.key, client.pem (chain), client.key."
                    + " For development and tests only: the CA's key lies beside the certificates.")
            .footer("Example: " + NAME + " certs --name echo.internal,10.0.0.5, then bin/echo-server --tls-cert"
                    + " certs/server.pem --tls-key certs/server.key --tls-client-ca certs/ca.pem.\n"
                    + "Exit code: 0 written, 1 the files could not be written, 2 a bad argument or a file of the set"
                    + " that exists (without --force).")
            .group("Certificates", NAMES, DAYS, FORCE)
            .build();

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment) {
        return StandardOutput.exitCode(NAME, write(argv, out, err, environment), out, err, EXIT_FAILED);
    }

    private static int write(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment) {
        ParsedArgs args;
        Path dir;
        try {
            args = SPEC.parse(argv, environment);
            if (SPEC.printedHelpOrVersion(args, out)) {
                return CommandSpec.EXIT_OK;
            }
            dir = dir(args.arguments());
            if (!args.get(FORCE)) {
                for (String file : DevCertificateSet.FILE_NAMES) {
                    if (Files.exists(dir.resolve(file))) {
                        throw new UsageException(dir.resolve(file) + " exists; give --force to replace the set");
                    }
                }
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UsageException(dir + " is not a directory");
            }
        } catch (UsageException e) {
            return SPEC.usageError(err, e);
        }
        DevCertificateSet set;
        try {
            set = DevCertificates.write(dir, args.get(NAMES, List.of()), Duration.ofDays(args.get(DAYS)));
        } catch (IOException e) {
            err.println(NAME + ": cannot write into " + dir + ": " + OutputFiles.reason(e));
            return EXIT_FAILED;
        }
        List<String> written = new ArrayList<>();
        set.files().forEach(file -> written.add(file.toString()));
        out.println("wrote " + String.join(", ", written));
        out.println("server: " + PemFiles.describe(set.server()));
        out.println("client: " + PemFiles.describe(set.client()));
        out.flush();
        return CommandSpec.EXIT_OK;
    }

    private static Path dir(List<String> arguments) throws UsageException {
        if (arguments.size() != 1) {
            throw new UsageException(arguments.isEmpty() ? "missing DIR: where to write the certificates"
                    : "one DIR expected, got " + arguments.size() + ": " + String.join(" ", arguments));
        }
        if (arguments.get(0).isBlank()) {
            // Path.of("") is the working directory: a script's unset "$DIR" put a CA's key wherever it ran.
            throw new UsageException("invalid DIR '" + arguments.get(0) + "': expected a value that is not blank");
        }
        try {
            return Path.of(arguments.get(0));
        } catch (InvalidPathException e) {
            throw new UsageException("invalid DIR '" + arguments.get(0) + "'");
        }
    }

    private static List<String> names(String text) {
        List<String> names = new ArrayList<>();
        for (String name : text.split(",", -1)) {
            String trimmed = name.strip();
            if (!CertificateAuthority.isValidSan(trimmed)) {
                throw new IllegalArgumentException("not a DNS name or IP address: " + trimmed);
            }
            names.add(trimmed);
        }
        return List.copyOf(names);
    }
}
