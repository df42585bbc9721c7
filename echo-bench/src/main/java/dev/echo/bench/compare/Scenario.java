package dev.echo.bench.compare;

import java.util.List;

/**
 * One row group of the comparison table: how many connections, and how many requests each keeps
 * in flight (1 = lockstep).
 */
record Scenario(String name, int connections, int pipeline, boolean newConnectionPerRequest) {
    Scenario(String name, int connections, int pipeline) {
        this(name, connections, pipeline, false);
    }

    /** With --tls, after the defaults: full handshakes per second. */
    static final Scenario HANDSHAKES = new Scenario("16 conns, new connection per request", 16, 1, true);

    static final List<Scenario> DEFAULTS = List.of(
            new Scenario("1 conn", 1, 1),
            new Scenario("64 conns", 64, 1),
            new Scenario("1000 conns", 1000, 1),
            new Scenario("1 conn, 64 in flight", 1, 64));

    /**
     * "64" = 64 lockstep connections; "1x64" = 1 connection with 64 in flight; "16new" = 16 connections
     * each opening a new connection for every request.
     */
    static Scenario parse(String text) {
        String t = text.trim();
        try {
            int x = t.indexOf('x');
            if (t.endsWith("new")) {
                int connections = Integer.parseInt(t.substring(0, t.length() - 3));
                if (connections >= 1) {
                    return new Scenario(connections + (connections == 1 ? " conn" : " conns")
                            + ", new connection per request", connections, 1, true);
                }
            } else if (x < 0) {
                int connections = Integer.parseInt(t);
                if (connections >= 1) {
                    return new Scenario(connections + (connections == 1 ? " conn" : " conns"), connections, 1);
                }
            } else {
                int connections = Integer.parseInt(t.substring(0, x));
                int pipeline = Integer.parseInt(t.substring(x + 1));
                if (connections >= 1 && pipeline >= 1) {
                    return new Scenario(connections + (connections == 1 ? " conn, " : " conns, ") + pipeline
                            + " in flight", connections, pipeline);
                }
            }
        } catch (NumberFormatException e) {
            // reported below with the whole text
        }
        throw new IllegalArgumentException("scenario '" + text + "': expected N (lockstep connections) or NxK"
                + " (N connections with K in flight each) or Nnew (N connections, a new one per request), e.g."
                + " 1,64,1000,1x64,16new");
    }
}
