package dev.echo.core;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * How every tool of the toolkit writes an endpoint: {@code host:port}, with brackets around an IPv6
 * literal ({@code [::1]:8080}) so that the port cannot be read as part of the address.
 */
public final class HostPort {
    private HostPort() {}

    /** {@code host:port}; {@code host} as given (a name or a literal). */
    public static String of(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The numeric address and port of {@code address} ({@code 127.0.0.1:5000} rather than {@code
     * /127.0.0.1:5000}); anything else, or an unresolved address, as it prints itself.
     */
    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return of(inet.getAddress().getHostAddress(), inet.getPort());
        }
        return String.valueOf(address);
    }
}
