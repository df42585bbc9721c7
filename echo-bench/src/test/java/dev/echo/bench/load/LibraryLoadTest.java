package dev.echo.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --client library}: threads sharing one EchoClient, every answer verified. */
class LibraryLoadTest {

    @Test
    @Timeout(30)
    void threadsSharingTheLibraryClientVerifyEveryAnswer() throws Exception {
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            LoadConfig config = LoadConfig.builder().port(server.port()).connections(8).pipeline(4).mix(3, 1)
                    .warmup(Duration.ofMillis(300)).duration(Duration.ofMillis(1200)).timeout(Duration.ofSeconds(10))
                    .libraryClient(true).build();
            LoadResult result = new LoadRun(config, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8)).run();
            assertEquals(0, result.mismatches(), "no mismatches: " + result.firstProblem());
            assertEquals(0, result.errors(), "no errors: " + result.firstProblem());
            assertTrue(result.responses() > 0, "some answers");
            assertEquals(result.requests(), result.responses(), "every request answered");
            assertEquals(1, result.connectionsOpened(), "one shared client");
            assertEquals(1, server.stats().connectionsAccepted(), "one connection at the server");
        }
    }

    @Test
    void theLibraryClientRefusesARate() {
        assertThrows(IllegalArgumentException.class,
                () -> LoadConfig.builder().libraryClient(true).rate(100).build(), "open loop is the raw drivers'");
    }
}
