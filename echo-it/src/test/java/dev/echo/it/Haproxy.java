package dev.echo.it;

import dev.echo.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HAProxy process ({@code haproxy -db}, in the foreground) running the shipped
 * {@code deploy/haproxy/haproxy.cfg} with only its addresses, ports and runtime socket path replaced
 * ({@link #render}), and its runtime API ({@link #command}) for the tests to read and change it.
 */
final class Haproxy implements AutoCloseable {
    static final List<Path> PLACES = List.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/local/sbin/haproxy"));
    /** The shipped configuration's backend, as named there. */
    static final String BACKEND = "echo_servers";

    private static final Pattern SOCKET = Pattern.compile("(?m)^(\\s*stats socket )(\\S+)( .*)$");
    private static final Pattern BIND = Pattern.compile("(?m)^(\\s*bind )(\\S+)(.*)$");
    private static final Pattern SERVER = Pattern.compile("(?m)^(\\s*server )(\\S+) (\\S+):(\\d+) check port (\\d+)(.*)$");

    /** One server line: protocol port and metrics (health check) port on 127.0.0.1. */
    record Server(int port, int metricsPort) {}

    private final Process process;
    private final Path directory;
    private final Path socket;
    private final int port;

    private Haproxy(Process process, Path directory, Path socket, int port) {
        this.process = process;
        this.directory = directory;
        this.socket = socket;
        this.port = port;
    }

    /** The haproxy binary, if installed. */
    static Optional<Path> binary() {
        for (Path place : PLACES) {
            if (Files.isExecutable(place)) {
                return Optional.of(place);
            }
        }
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "haproxy")).filter(Files::isExecutable).findFirst();
    }

    /** The configuration shipped in the repository. */
    static String shippedConfig() throws IOException {
        String root = System.getProperty("echo.repo.root");
        if (root == null) {
            throw new IllegalStateException("system property echo.repo.root is not set: run the suite through Maven");
        }
        return Files.readString(Path.of(root, "deploy", "haproxy", "haproxy.cfg"));
    }

    /**
     * The shipped configuration with the frontend bound to 127.0.0.1:{@code port}, the runtime socket
     * at {@code socket}, and one server line per entry of {@code servers} (their count must match the
     * file's). Everything else stays as shipped.
     */
    static String render(String shipped, int port, Path socket, List<Server> servers) {
        String text = replaceOnce(shipped, SOCKET, m -> m.group(1) + socket + m.group(3), "stats socket");
        text = replaceOnce(text, BIND, m -> m.group(1) + "127.0.0.1:" + port + m.group(3), "bind");
        Matcher m = SERVER.matcher(text);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            if (i >= servers.size()) {
                throw new IllegalStateException("the shipped configuration has more server lines than the "
                        + servers.size() + " servers given");
            }
            Server server = servers.get(i++);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + " 127.0.0.1:" + server.port()
                    + " check port " + server.metricsPort() + m.group(6)));
        }
        m.appendTail(out);
        if (i != servers.size()) {
            throw new IllegalStateException("expected " + servers.size() + " 'server NAME HOST:PORT check port N' lines"
                    + " in the shipped configuration, found " + i);
        }
        return out.toString();
    }

    private static String replaceOnce(String text, Pattern pattern, Function<MatchResult, String> with,
                                      String what) {
        long count = pattern.matcher(text).results().count();
        if (count != 1) {
            throw new IllegalStateException("expected one '" + what + "' line in the shipped configuration, found " + count);
        }
        return pattern.matcher(text).replaceFirst(m -> Matcher.quoteReplacement(with.apply(m)));
    }

    /**
     * Starts HAProxy in front of {@code servers} on a free port of 127.0.0.1 and waits until it
     * serves its runtime API and every server has passed a health check.
     */
    static Haproxy start(List<Server> servers, Duration deadline) throws IOException {
        Path haproxy = binary().orElseThrow(() -> new IllegalStateException("haproxy is not installed"));
        Path directory = Files.createTempDirectory("echo-haproxy");
        Path socket = directory.resolve("admin.sock");
        String shipped = shippedConfig();
        IOException last = null;
        // A free port found by binding 0 may be taken again before HAProxy binds it: try a few.
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path config = directory.resolve("haproxy.cfg");
            Files.writeString(config, render(shipped, port, socket, servers));
            Path log = directory.resolve("haproxy.log");
            Process process = new ProcessBuilder(haproxy.toString(), "-db", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Haproxy started = new Haproxy(process, directory, socket, port);
            try {
                started.awaitServing(deadline);
                for (int i = 1; i <= servers.size(); i++) {
                    started.awaitPassedCheck("echo" + i, deadline);
                }
                return started;
            } catch (AssertionError e) {
                started.stop();
                if (!started.log().contains("cannot bind")) {
                    throw new IOException("haproxy did not start: " + started.log(), e);
                }
                last = new IOException("haproxy could not bind port " + port + ": " + started.log(), e);
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** The frontend's port on 127.0.0.1. */
    int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT} of the frontend, for a client's configuration. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** What HAProxy logged so far (its stdout and stderr). */
    String log() {
        try {
            return Files.readString(directory.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitServing(Duration deadline) {
        Await.until("haproxy's runtime API to answer", deadline, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited with " + process.exitValue() + ": " + log());
            }
            try {
                command("show info");
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Sends one command to the runtime API and returns its answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.US_ASCII);
        }
    }

    /** Each server of the backend by name, with the columns of {@code show stat} (status, scur, stot, ...). */
    Map<String, Map<String, String>> servers() throws IOException {
        String[] lines = command("show stat").split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IOException("unexpected answer to 'show stat': " + String.join("\n", lines));
        }
        String[] header = lines[0].substring(2).split(",", -1);
        Map<String, Map<String, String>> servers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            if (cells.length < 2 || !cells[0].equals(BACKEND) || cells[1].equals("BACKEND")) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int c = 0; c < Math.min(header.length, cells.length); c++) {
                row.put(header[c], cells[c]);
            }
            servers.put(cells[1], row);
        }
        return servers;
    }

    /** The status (UP, DOWN, MAINT, ...) of {@code server}, or "absent". */
    String status(String server) {
        try {
            Map<String, String> row = servers().get(server);
            return row == null ? "absent" : row.get("status");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Waits until {@code server}'s status is {@code status} (it has passed or failed its checks). */
    void awaitStatus(String server, String status, Duration deadline) {
        Await.until(server + " " + status + " in haproxy", deadline,
                () -> status(server).equals(status), () -> server + " is " + status(server) + "; log: " + tail());
    }

    /** Waits until {@code server} is UP after a passed health check (HAProxy starts with every server UP, unchecked). */
    void awaitPassedCheck(String server, Duration deadline) {
        Await.until(server + " UP after a passed check", deadline, () -> {
            try {
                Map<String, String> row = servers().get(server);
                return row != null && "UP".equals(row.get("status")) && "L7OK".equals(row.get("check_status"));
            } catch (IOException e) {
                return false;
            }
        }, () -> server + " is " + status(server) + "; log: " + tail());
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        String[] lines = log().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(directory)) {
            List<Path> all = new ArrayList<>(files.toList());
            Collections.reverse(all);
            for (Path file : all) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
