package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void defaults() {
        // host, port, framing, connect timeout, read timeout, largest frame
        ClientConfig documented = new ClientConfig("127.0.0.1", 8080, Framing.DELIMITED, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 4 * 1024 * 1024);
        assertEquals(documented, ClientConfig.builder().build(), "expected the documented defaults");
    }

    @Test
    void toBuilderRoundTrips() {
        ClientConfig config = ClientConfig.builder().host("::1").port(1).framing(Framing.RAW)
                .connectTimeout(Duration.ZERO).readTimeout(Duration.ofMillis(1)).maxFrameBytes(1).build();
        assertEquals(config, config.toBuilder().build(), "toBuilder keeps every value");
        assertEquals("[::1]:1", config.endpoint(), "IPv6 endpoints are bracketed");
    }

    @Test
    void badValuesAreRejectedWithTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().port(0).build())
                .getMessage().contains(": 0"), "port 0 names the value");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().port(65_536).build())
                .getMessage().contains("65536"), "port too large names the value");
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().host(" ").build(), "blank host");
        assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder().readTimeout(Duration.ofSeconds(-1)).build(), "negative read timeout");
        assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder().connectTimeout(Duration.ofSeconds(-1)).build(), "negative connect timeout");
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().maxFrameBytes(0).build(), "max frame 0");
        assertThrows(NullPointerException.class, () -> ClientConfig.builder().framing(null).build(), "null framing");
    }
}
