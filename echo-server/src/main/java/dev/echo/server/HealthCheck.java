package dev.echo.server;

import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.TlsMaterialException;
import java.nio.file.Path;
import dev.echo.cli.UsageException;
import dev.echo.core.AnswerCheck;
import dev.echo.core.HostPort;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container's HEALTHCHECK, run from the server jar so the image needs no other tool: one echo
 * round trip to the server of this container. It reads the server's address the way the server did,
 * from PID 1's arguments and the container's {@code ECHO_*} variables, so {@code docker run IMAGE
 * --port 9000} is checked on 9000. A wildcard listen address (0.0.0.0) is checked on loopback.
 * Exit 0 healthy, 1 not (one line saying why).
 *
 * <p>A TLS server ({@code --tls-cert} or {@code ECHO_TLS_CERT}) is checked over TLS, trusting the
 * certificates of its own chain file: the check talks to this container's own server, so it pins that
 * certificate instead of asking a CA, and does not check the name (a certificate made for a service
 * name need not name 127.0.0.1). Under {@code --tls-client-auth require} it presents {@code
 * ECHO_HEALTHCHECK_TLS_CERT} and {@code ECHO_HEALTHCHECK_TLS_KEY} when set and then makes the full
 * round trip; without them, a server that completes the handshake and refuses for want of a client
 * certificate counts as healthy (it accepted, and its TLS works), which the line says. For a full
 * check without a client certificate, use the metrics port's {@code /healthz}.
 */
public final class HealthCheck {
    /** For each of connect, handshake and read; the image's HEALTHCHECK gives the whole check 20 s. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String CERT_VARIABLE = "ECHO_HEALTHCHECK_TLS_CERT";
    static final String KEY_VARIABLE = "ECHO_HEALTHCHECK_TLS_KEY";

    private HealthCheck() {}

    public static void main(String[] args) {
        String[] serverArgs = args.length > 0 ? args : serverArguments(ProcessHandle.of(1).flatMap(p -> p.info().arguments()));
        System.exit(check(serverArgs, System.getenv(), TIMEOUT, System.out));
    }

    /** Checks the server that {@code serverArgs} and {@code environment} configure; returns the exit code. */
    static int check(String[] serverArgs, Map<String, String> environment, Duration timeout, PrintStream out) {
        ServerConfig config;
        try {
            config = CommandLineOptions.parse(serverArgs, environment).config();
        } catch (UsageException e) {
            out.println("unhealthy: cannot read the server's options: " + e.getMessage());
            return 1;
        }
        if (config == null || config.port() == 0) {
            out.println("unhealthy: the server's port is not known (port 0 is any free port): give it --port or ECHO_PORT");
            return 1;
        }
        ClientTls tls;
        try {
            tls = clientTls(config.tls(), environment);
            if (tls.enabled()) {
                tls.context();
            }
        } catch (TlsMaterialException | IllegalArgumentException e) {
            out.println("unhealthy: cannot set up TLS for the check: " + e.getMessage());
            return 1;
        }
        try {
            InetAddress listening = InetAddress.getByName(config.host());
            InetAddress target = listening.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : listening;
            long start = System.nanoTime();
            InetSocketAddress address = new InetSocketAddress(target, config.port());
            if (config.tls() != null && config.tls().clientAuth() == ServerTls.ClientAuth.REQUIRE
                    && tls.certificate() == null) {
                return handshakeOnly(address, tls, timeout, out);
            }
            ServerMessage answer = roundTrip(address, config, tls, timeout);
            ClientMessage request = Messages.echo("healthcheck");
            if (!AnswerCheck.isAnswerTo(request, answer)) {
                out.println("unhealthy: " + Messages.describe(answer) + " is no answer to " + Messages.describe(request));
                return 1;
            }
            out.println("healthy: " + HostPort.of(target.getHostAddress(), config.port()) + " echoed in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            return 0;
        } catch (IOException e) {
            String line = ClientTls.explain(e);
            out.println("unhealthy: " + HostPort.of(config.host(), config.port()) + ": " + (line != null ? line : e));
            return 1;
        }
    }

    /**
     * Under require without a certificate of its own: the server must complete the handshake and then
     * refuse for want of a client certificate. Reads instead of writing, since a write may meet the
     * connection the server closed before its alert is read.
     */
    private static int handshakeOnly(InetSocketAddress address, ClientTls tls, Duration timeout, PrintStream out)
            throws IOException {
        String endpoint = HostPort.of(address.getAddress().getHostAddress(), address.getPort());
        try (Socket socket = tls.connect(address, address.getAddress().getHostAddress(), timeout, timeout)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getInputStream().read();
            out.println("unhealthy: " + endpoint + " accepted a client without a certificate although it requires one");
            return 1;
        } catch (IOException e) {
            String line = ClientTls.explain(e);
            if (line != null && line.startsWith("the server requires a client certificate")) {
                out.println("healthy: " + endpoint + " completed the TLS handshake and requires a client certificate"
                        + " (set " + CERT_VARIABLE + " and " + KEY_VARIABLE + " for a full echo)");
                return 0;
            }
            throw e;
        }
    }

    /** OFF for a plain server; else TLS trusting the server's own chain, with the health check's certificate if set. */
    static ClientTls clientTls(ServerTls server, Map<String, String> environment) {
        if (server == null) {
            return ClientTls.OFF;
        }
        String cert = environment.get(CERT_VARIABLE);
        String key = environment.get(KEY_VARIABLE);
        if ((cert == null || cert.isEmpty()) != (key == null || key.isEmpty())) {
            throw new IllegalArgumentException(CERT_VARIABLE + " and " + KEY_VARIABLE + " go together: set both or neither");
        }
        ClientTls.Builder builder = ClientTls.builder().trustedCa(server.certificateChain())
                .insecureSkipHostnameVerification(); // pinned to the server's own chain; see the class comment
        if (cert != null && !cert.isEmpty()) {
            builder.clientCertificate(Path.of(cert), Path.of(key));
        }
        return builder.build();
    }

    private static ServerMessage roundTrip(InetSocketAddress address, ServerConfig config, ClientTls tls,
                                           Duration timeout) throws IOException {
        try (Socket socket = tls.connect(address, address.getAddress().getHostAddress(), timeout, timeout)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(config.framing().encode(Messages.echo("healthcheck")));
            socket.getOutputStream().flush();
            ServerMessage answer = config.framing().newReader(socket.getInputStream()).read(Messages.answerParser());
            if (answer == null) {
                throw new IOException("closed without an answer");
            }
            return answer;
        }
    }

    /** The server's own arguments in PID 1's: those after {@code -jar JAR} or the main class; none if it is no server. */
    static String[] serverArguments(Optional<String[]> pid1) {
        List<String> args = Arrays.asList(pid1.orElse(new String[0]));
        int jar = args.indexOf("-jar");
        if (jar >= 0 && jar + 1 < args.size()) {
            return args.subList(jar + 2, args.size()).toArray(String[]::new);
        }
        int main = args.indexOf(Main.class.getName());
        if (main >= 0) {
            return args.subList(main + 1, args.size()).toArray(String[]::new);
        }
        return new String[0];
    }
}
