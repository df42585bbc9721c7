package dev.echo.server;

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
 */
public final class HealthCheck {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

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
        try {
            InetAddress listening = InetAddress.getByName(config.host());
            InetAddress target = listening.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : listening;
            long start = System.nanoTime();
            ServerMessage answer = roundTrip(new InetSocketAddress(target, config.port()), config, timeout);
            ClientMessage request = Messages.echo("healthcheck");
            if (!AnswerCheck.isAnswerTo(request, answer)) {
                out.println("unhealthy: " + Messages.describe(answer) + " is no answer to " + Messages.describe(request));
                return 1;
            }
            out.println("healthy: " + HostPort.of(target.getHostAddress(), config.port()) + " echoed in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            return 0;
        } catch (IOException e) {
            out.println("unhealthy: " + HostPort.of(config.host(), config.port()) + ": " + e);
            return 1;
        }
    }

    private static ServerMessage roundTrip(InetSocketAddress address, ServerConfig config, Duration timeout)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(config.framing().encode(Messages.echo("healthcheck")));
            socket.getOutputStream().flush();
            ServerMessage answer = config.framing().newReader(socket.getInputStream()).read(ServerMessage.parser());
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
