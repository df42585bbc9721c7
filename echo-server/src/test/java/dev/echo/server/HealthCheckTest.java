package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The container's health check: one echo round trip to the server its arguments and variables describe. */
class HealthCheckTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int check(Map<String, String> environment, String... serverArgs) {
        return HealthCheck.check(serverArgs, environment, Duration.ofSeconds(2), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String said() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aServingServerIsHealthyFoundByItsArgumentsOrItsVariables() throws Exception {
        try (EchoServer server = TestServers.start()) {
            assertEquals(0, check(Map.of(), "--port", Integer.toString(server.port())), said());
            assertEquals(0, check(Map.of("ECHO_PORT", Integer.toString(server.port()))), said());
            assertTrue(said().startsWith("healthy: 127.0.0.1:" + server.port() + " echoed in "), said());
        }
        try (EchoServer raw = TestServers.start(b -> b.framing(Framing.RAW))) {
            assertEquals(0, check(Map.of("ECHO_FRAMING", "raw"), "-p", Integer.toString(raw.port())), said());
        }
    }

    @Test
    void noServerOrAnUnknownPortIsUnhealthy() throws Exception {
        try (Socket bound = new Socket()) { // bound, never listening: connections are refused
            bound.bind(new InetSocketAddress("127.0.0.1", 0));
            assertEquals(1, check(Map.of(), "--port", Integer.toString(bound.getLocalPort())));
            assertTrue(said().startsWith("unhealthy: 127.0.0.1:" + bound.getLocalPort() + ": "), said());
        }
        out.reset();
        assertEquals(1, check(Map.of(), "--port", "0"));
        assertTrue(said().contains("port is not known"), said());
        out.reset();
        assertEquals(1, check(Map.of(), "--port", "x"));
        assertTrue(said().startsWith("unhealthy: cannot read the server's options: invalid --port 'x'"), said());
    }

    @Test
    void theServersArgumentsAreThoseAfterTheJarOrTheMainClass() {
        assertArrayEquals(new String[] {"--port", "9000"}, HealthCheck.serverArguments(Optional.of(
                new String[] {"-XX:MaxRAMPercentage=70", "-jar", "/opt/echo/echo-server.jar", "--port", "9000"})));
        assertArrayEquals(new String[] {"-p", "1"}, HealthCheck.serverArguments(Optional.of(
                new String[] {"-cp", "x.jar", Main.class.getName(), "-p", "1"})));
        assertArrayEquals(new String[0], HealthCheck.serverArguments(Optional.of(new String[] {"sleep", "1"})));
        assertArrayEquals(new String[0], HealthCheck.serverArguments(Optional.empty()));
    }
}
