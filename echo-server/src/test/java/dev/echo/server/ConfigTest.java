package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ServerConfig and ThreadMode: defaults, round trips, and rejected values (durations: echo-core's DurationsTest). */
class ConfigTest {

    @Test
    void builderHoldsTheDocumentedDefaults() {
        ServerConfig config = ServerConfig.builder().build();
        assertEquals("127.0.0.1", config.host(), "expected host 127.0.0.1");
        assertEquals(8080, config.port(), "expected port 8080");
        assertEquals(Framing.DELIMITED, config.framing(), "expected delimited framing");
        assertEquals(4 * 1024 * 1024, config.maxFrameBytes(), "expected 4 MiB frames");
        assertEquals(10_000, config.maxConnections(), "expected 10,000 connections");
        assertEquals(Duration.ofMinutes(5), config.idleTimeout(), "expected a 5 minute idle timeout");
        assertEquals(Duration.ofSeconds(5), config.shutdownGrace(), "expected a 5 second grace period");
        assertEquals(ThreadMode.virtual(), config.threadMode(), "expected virtual threads");
    }

    @Test
    void toBuilderRoundTrips() {
        ServerConfig config = ServerConfig.builder().host("localhost").port(0).framing(Framing.RAW).maxFrameBytes(10)
                .maxConnections(3).idleTimeout(Duration.ofSeconds(1)).shutdownGrace(Duration.ZERO)
                .threadMode(ThreadMode.platform(2)).build();
        assertEquals(config, config.toBuilder().build(), "expected toBuilder().build() to give an equal config");
    }

    @Test
    void badValuesAreRejectedWithTheValueInTheMessage() {
        assertMessage("65536", () -> ServerConfig.builder().port(65_536).build());
        assertMessage("-1", () -> ServerConfig.builder().port(-1).build());
        assertMessage("0", () -> ServerConfig.builder().maxFrameBytes(0).build());
        assertMessage("0", () -> ServerConfig.builder().maxConnections(0).build());
        assertMessage("PT0S", () -> ServerConfig.builder().idleTimeout(Duration.ZERO).build());
        assertMessage("PT-1S", () -> ServerConfig.builder().shutdownGrace(Duration.ofSeconds(-1)).build());
        assertMessage("''", () -> ServerConfig.builder().host("").build());
        assertMessage("0", () -> ThreadMode.platform(0));
    }

    private static void assertMessage(String value, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build,
                "expected IllegalArgumentException for " + value);
        assertTrue(e.getMessage().contains(value), "expected the message to contain " + value + ", got: " + e.getMessage());
    }

    @Test
    void threadModeParsesItsCommandLineForms() {
        assertEquals(ThreadMode.virtual(), ThreadMode.parse("virtual"), "expected virtual");
        assertEquals(ThreadMode.platform(64), ThreadMode.parse("platform:64"), "expected a pool of 64");
        assertEquals(ThreadMode.platform(ThreadMode.DEFAULT_PLATFORM_THREADS), ThreadMode.parse("PLATFORM"),
                "expected the default pool for 'platform'");
        assertEquals("platform:64", ThreadMode.platform(64).toString(), "expected the command-line form");
        assertEquals(ThreadMode.platform(ThreadMode.MAX_PLATFORM_THREADS), ThreadMode.parse("platform:32768"),
                "expected the largest pool");
        for (String bad : new String[] {"", "green", "platform:", "platform:0", "platform:x", "virtual:2", "platform:32769",
            "platform:999999999"}) {
            assertMessage("'" + bad + "'", () -> ThreadMode.parse(bad));
        }
    }
}
