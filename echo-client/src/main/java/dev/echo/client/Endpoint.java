package dev.echo.client;

import dev.echo.core.ConfigChecks;
import dev.echo.core.HostPort;

/** One configured {@code host:port} ({@code [v6]:port} for an IPv6 literal), before resolution. */
record Endpoint(String host, int port) {

    /** @throws IllegalArgumentException naming {@code text} if it is not {@code host:port} */
    static Endpoint parse(String text) {
        java.util.Objects.requireNonNull(text, "address");
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // an IPv6 literal without brackets: the port cannot be told apart
        }
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(text.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        ConfigChecks.check(!host.isBlank() && port >= 1 && port <= ConfigChecks.MAX_PORT,
                "address must be host:port ([v6]:port for IPv6), port 1 to 65535: " + text);
        return new Endpoint(host, port);
    }

    @Override
    public String toString() {
        return HostPort.of(host, port);
    }
}
