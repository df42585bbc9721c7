package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.tls.ClientTls;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    @Test
    void defaults() {
        ClientConfig documented = new ClientConfig("127.0.0.1", 8080, List.of(), Framing.DELIMITED,
                Duration.ofSeconds(5), Duration.ofSeconds(30), 4 * 1024 * 1024, Duration.ofSeconds(30), 1024, 5, 1000,
                Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(5), ClientTls.OFF);
        assertEquals(documented, ClientConfig.builder().build(), "expected the documented defaults");
    }

    /** No connect timeout is no limit for the TCP connect only: a stalled handshake waited for good. */
    @Test
    void aHandshakeHasALimitEvenWithNoConnectTimeout() {
        assertEquals(Duration.ofMillis(300),
                ClientConfig.builder().connectTimeout(Duration.ofMillis(300)).build().handshakeTimeout());
        assertEquals(Duration.ofSeconds(10), ClientConfig.builder().connectTimeout(Duration.ZERO).build().handshakeTimeout());
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
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().addresses("h:1", "nocolon")
                .build()).getMessage().endsWith(": nocolon"), "an address without a port names it");
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().addresses("::1:80").build(),
                "an IPv6 literal without brackets");
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().requestTimeout(Duration.ZERO).build(),
                "no infinite request timeout");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().maxInFlight(0).build())
                .getMessage().endsWith(": 0"), "maxInFlight 0 names the value");
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().reconnectDelay(Duration.ofSeconds(3))
                .build(), "a first delay over the longest");
    }

    @Test
    void addressesDefaultToHostAndPortAndAcceptIpv6() {
        assertEquals(List.of("127.0.0.1:8080"), ClientConfig.builder().build().endpoints(), "the shorthand");
        assertEquals(List.of("a:1", "[::1]:2"), ClientConfig.builder().addresses("a:1", "[::1]:2").build().endpoints(),
                "as given");
        assertEquals(new Endpoint("::1", 2), Endpoint.parse("[::1]:2"), "brackets dropped");
        assertTrue(ClientConfig.builder().build().retries(), "retries on by default");
        assertFalse(ClientConfig.builder().noRetries().build().retries(), "noRetries turns them off");
    }
}
