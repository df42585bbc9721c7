package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void namesAndIpv4AsTheyAreIpv6InBrackets() {
        assertEquals("localhost:8080", HostPort.of("localhost", 8080));
        assertEquals("127.0.0.1:8080", HostPort.of("127.0.0.1", 8080));
        assertEquals("[::1]:8080", HostPort.of("::1", 8080));
    }

    @Test
    void socketAddressesByNumberWithoutTheSlash() throws Exception {
        assertEquals("127.0.0.1:5000", HostPort.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000)));
        assertEquals("[0:0:0:0:0:0:0:1]:5000", HostPort.of(new InetSocketAddress(InetAddress.getByName("::1"), 5000)));
        assertEquals(InetSocketAddress.createUnresolved("example.invalid", 1).toString(),
                HostPort.of(InetSocketAddress.createUnresolved("example.invalid", 1)));
        assertEquals("null", HostPort.of((java.net.SocketAddress) null));
    }
}
