package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Echo server processes on 127.0.0.1, each with its metrics port (for HAProxy's health checks), that
 * can be stopped and started again on the same two ports. Instance {@code i} (0-based) is the
 * shipped configuration's server {@code echo<i+1>}.
 */
final class Fleet implements AutoCloseable {
    static final String GRACE = "5s";
    private static final Pattern METRICS_AT = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration START = Duration.ofSeconds(60);

    private final List<ServerProcess> processes = new ArrayList<>();
    private final List<Haproxy.Server> servers = new ArrayList<>();

    /** Starts {@code n} servers on free ports (see {@link #add()}). */
    static Fleet start(int n) throws IOException {
        Fleet fleet = new Fleet();
        try {
            for (int i = 0; i < n; i++) {
                fleet.add();
            }
            return fleet;
        } catch (IOException | RuntimeException | Error e) {
            fleet.close();
            throw e;
        }
    }

    /**
     * Starts one more server on free ports below the kernel's ephemeral range; returns its index.
     * Port 0 would pick one inside it, and while the server is down for a restart, any outgoing
     * connection (a client reconnecting to HAProxy, HAProxy to the other servers) could take that port
     * as its local port and keep it: the restart would then fail to bind.
     */
    int add() throws IOException {
        int index = processes.size();
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = quietPort();
            int metricsPort = quietPort();
            ServerProcess process = command(index, port, metricsPort);
            try {
                process.awaitPort(START);
            } catch (IOException e) {
                // taken between the probe and the server's bind: another pair
                process.close();
                last = e;
                continue;
            }
            processes.add(process);
            servers.add(new Haproxy.Server(port, metricsPort(process)));
            return index;
        }
        throw new IOException("no free pair of ports for echo" + (index + 1) + " in 10 tries", last);
    }

    /** A port of 127.0.0.1 free now, from 10000 to just below the ephemeral range. */
    private static int quietPort() throws IOException {
        int ephemeralLow = ephemeralLow();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(10_000, ephemeralLow);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no free port from 10000 to " + ephemeralLow + " in 100 tries");
    }

    /** The first port of the kernel's ephemeral range (Linux; 32768 where it cannot be read). */
    private static int ephemeralLow() {
        try {
            // readAllLines, not readString: procfs reports a size of 0, and readString then read "3" here
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            return Math.max(10_001, Integer.parseInt(range[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static ServerProcess command(int index, int port, int metricsPort) throws IOException {
        return ServerJar.process().name("echo" + (index + 1)).jvmOptions(List.of("-Xmx256m"))
                .args("--host", "127.0.0.1", "--port", Integer.toString(port), "--metrics-port",
                        Integer.toString(metricsPort), "--grace", GRACE)
                .start();
    }

    private static int metricsPort(ServerProcess process) {
        for (String line : process.stdout()) {
            Matcher m = METRICS_AT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("expected a start line saying where metrics are served: " + process.describe());
    }

    /** The ports of every server, in order, for {@link Haproxy#start}. */
    List<Haproxy.Server> servers() {
        return List.copyOf(servers);
    }

    Haproxy.Server server(int index) {
        return servers.get(index);
    }

    /** Stops instance {@code index} with SIGTERM, expects a clean exit (0) within its grace and more. */
    void terminate(int index) throws IOException {
        ServerProcess process = processes.get(index);
        process.terminate();
        assertEquals(0, process.awaitExit(Duration.ofSeconds(40)), () -> "a graceful stop: " + process.describe());
    }

    /** Ends instance {@code index} with SIGKILL. */
    void kill(int index) throws IOException {
        ServerProcess process = processes.get(index);
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.awaitExit(Duration.ofSeconds(30));
    }

    /** Starts instance {@code index} again on its ports (the old process has exited). */
    void restart(int index) throws IOException {
        processes.get(index).close();
        Haproxy.Server server = servers.get(index);
        // The old listener's port can take a moment to be free after its process ended.
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            ServerProcess process = command(index, server.port(), server.metricsPort());
            try {
                process.awaitPort(START);
                processes.set(index, process);
                return;
            } catch (IOException | AssertionError e) {
                process.close();
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
            }
        }
    }

    /** Requests instance {@code index} has answered since it started, from its /metrics (echo and add). */
    long answered(int index) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + servers.get(index).metricsPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            long total = 0;
            Matcher m = Pattern.compile("(?m)^echo_requests_total\\{[^}]*kind=\"(?:echo|add)\"[^}]*} (\\S+)$")
                    .matcher(response.body());
            while (m.find()) {
                total += (long) Double.parseDouble(m.group(1));
            }
            return total;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String describe(int index) {
        return processes.get(index).describe();
    }

    @Override
    public void close() {
        for (ServerProcess process : processes) {
            process.close();
        }
    }
}
