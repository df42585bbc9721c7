package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoConnection;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import dev.echo.core.tls.ClientTls;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.BeforeAll;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 10: the image a user deploys, built from the top-level Dockerfile, runs the server; it
 * serves many clients, survives a pause, fails fast when killed and holds 5,000 connections in a
 * 256 MiB container; with certificates mounted into it, it serves mutual TLS, turns healthy over TLS and
 * serves a replaced certificate without a restart. The containers use the host network and listen on
 * 127.0.0.1.
 */
@RequiresDocker
class ContainerIT {
    /** The uid and gid the image's server runs as (the Dockerfile's {@code USER 65532:65532}). */
    private static final int IMAGE_USER = 65532;

    @BeforeAll
    static void buildImage() {
        ServerImage.get();
    }

    @Test
    void imageServesTheOriginalScenariosAndOneThousandConcurrentClients() {
        try (ServerContainer server = ServerContainer.start(0)) {
            try (EchoConnection client = Clients.connect(server.port())) {
                assertEquals("Hello, World!", client.echo("Hello, World!"), "expected the echo of Hello, World!");
                assertEquals(30, client.add(10, 20), "expected 10 + 20 = 30");
            } catch (IOException e) {
                throw new AssertionError("expected the container on port " + server.port() + " to answer", e);
            }
            Conversation.allAtOnce(server.port(), 1_000, 20, Duration.ofSeconds(90), "clients of the container");
        }
    }

    /**
     * {@code docker run IMAGE --port N}: the arguments replace the image's, the image's ECHO_HOST=0.0.0.0
     * stays, and the HEALTHCHECK finds the server on N. A fixed port, not 0: the health check reads
     * the port from the server's arguments, and a port the server picks itself is in none.
     */
    @Test
    void argumentsKeepTheImagesHostAndTheContainerTurnsHealthy() throws IOException {
        int port = freePort();
        try (ServerContainer server = ServerContainer.startAsUsersDo("--port", Integer.toString(port))) {
            assertEquals("0.0.0.0:" + port, server.host() + ":" + server.port(),
                    "expected the image's ECHO_HOST to survive --port; logs:\n" + server.logs());
            try (EchoConnection client = Clients.connect(port)) {
                assertEquals("every interface", client.echo("every interface"), "expected an answer on 127.0.0.1");
            }
            Await.until("the container to turn healthy", Duration.ofSeconds(90),
                    () -> server.health().startsWith("healthy"), server::healthChecks);
        }
    }

    /**
     * The first TLS connection to a container whose JVM just started: its first handshake, cold, on a
     * machine busy with the rest of the suite, once took past the client's 10 s handshake deadline in a
     * fresh-clone CI run. Tried again until a minute has passed; anything but a handshake timeout fails
     * at once.
     */
    private static WireClient firstTlsConnection(ClientTls tls, int port) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return TlsSide.connect(tls, port);
            } catch (dev.echo.core.tls.TlsHandshakeTimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                System.err.println("echo-it: the container's first TLS handshake timed out; trying again: " + e.getMessage());
            }
        }
    }

    /**
     * The image as a user runs it with TLS: certificates in a host directory mounted into the container
     * (as a Kubernetes Secret is), the server configured by its {@code ECHO_TLS_*} variables and the
     * health check by {@code ECHO_HEALTHCHECK_TLS_*}. It serves mutual TLS, docker's health status turns
     * healthy over TLS, a plain client is told in one line that the port speaks TLS, and a certificate
     * replaced in the mounted directory is served to new connections without a restart.
     */
    @Test
    void tlsContainerServesMutualTlsTurnsHealthyAndPicksUpAReplacedCertificate(@TempDir Path dir) throws Exception {
        Path certificates = Files.createDirectory(dir.resolve("tls"));
        TlsPki pki = TlsPki.create(certificates);
        readableByTheImagesUser(certificates);
        String mounted = "/etc/echo/tls";
        Map<String, String> environment = Map.of(
                "ECHO_TLS_CERT", mounted + "/server.pem",
                "ECHO_TLS_KEY", mounted + "/server.key",
                "ECHO_TLS_CLIENT_CA", mounted + "/ca.pem",
                "ECHO_TLS_RELOAD_INTERVAL", "500ms",
                "ECHO_HEALTHCHECK_TLS_CERT", mounted + "/client.pem",
                "ECHO_HEALTHCHECK_TLS_KEY", mounted + "/client.key");
        int port = freePort();
        try (ServerContainer server = ServerContainer.startAsUsersDo(new ServerContainer.Mount(certificates, mounted),
                environment, "--host", "127.0.0.1", "--port", Integer.toString(port))) {
            ClientTls tls = TlsSide.presenting(pki, pki.clientPem, pki.clientKey);
            BigInteger first = TlsPki.serial(pki.serverPem);
            try (WireClient client = firstTlsConnection(tls, port)) {
                assertEquals("over mutual TLS", client.echo("over mutual TLS"), "expected an answer over mutual TLS");
                assertEquals(first, TlsSide.servedSerial(client), "expected the mounted certificate served");
            }
            try (WireClient plain = WireClient.connect(port)) {
                ServerMessage answer = plain.call(Messages.echo("in clear text"));
                assertTrue(answer.hasError() && answer.getError().getCode() == ErrorResponse.Code.MALFORMED_MESSAGE
                                && answer.getError().getDetail().startsWith("this port speaks TLS"),
                        "expected a plain client told that the port speaks TLS, got " + Messages.describe(answer));
                assertFalse(answer.getError().getDetail().contains("\n"), "expected one line: " + answer.getError().getDetail());
            }
            Await.until("the container to turn healthy over TLS", Duration.ofSeconds(90),
                    () -> server.health().startsWith("healthy"), server::healthChecks);
            assertTrue(server.health().contains("echoed"), "expected the health check's full echo over mutual TLS"
                    + " with ECHO_HEALTHCHECK_TLS_CERT/KEY: " + server.health());

            // Replaced as a user replaces it: new files renamed over the old ones, the key first.
            Path staging = Files.createDirectory(dir.resolve("staging"));
            BigInteger second = pki.issueServer(staging.resolve("server.pem"), staging.resolve("server.key"));
            readableByTheImagesUser(staging);
            Files.move(staging.resolve("server.key"), pki.serverKey, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging.resolve("server.pem"), pki.serverPem, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Await.until("new connections to get the new certificate (serial " + second + ")", Duration.ofSeconds(60),
                    Duration.ofMillis(200), () -> second.equals(servedSerial(tls, port)), server::logs);
            try (WireClient client = TlsSide.connect(tls, port)) {
                assertEquals("after the replacement", client.echo("after the replacement"),
                        "expected an answer with the new certificate");
            }
            assertTrue(server.isRunning(), "expected the same container still running; logs:\n" + server.logs());
        }
    }

    /** The serial a new TLS connection is served, or null when it cannot connect (for waits). */
    private static BigInteger servedSerial(ClientTls tls, int port) {
        try (WireClient client = TlsSide.connect(tls, port)) {
            return TlsSide.servedSerial(client);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The image runs as {@value #IMAGE_USER} (the Dockerfile's USER), and keys are written readable by
     * their owner only: give the files to that user, as a deployment does; without the right to
     * (not root), make them readable by everyone, which is good enough for throwaway test keys.
     */
    private static void readableByTheImagesUser(Path directory) throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                try {
                    Files.setAttribute(file, "unix:uid", IMAGE_USER);
                    Files.setAttribute(file, "unix:gid", IMAGE_USER);
                } catch (IOException notRoot) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void pausedServerMakesClientsTimeOutClearlyAndServesAgainAfterUnpause() throws IOException {
        try (ServerContainer server = ServerContainer.start(0)) {
            // Not shorter: the clients' answers before the pause must come within it too, beside the other test classes.
            ClientConfig config = Clients.config(server.port()).toBuilder().readTimeout(Duration.ofSeconds(5)).build();
            List<Disruption.Stop> timeouts = Disruption.talkUntil(config, 20, 200, "pause", server::pause,
                    Duration.ofSeconds(30));
            String endpoint = "127.0.0.1:" + server.port();
            for (String message : timeouts.stream().map(Disruption.Stop::message).toList()) {
                assertTrue(message.startsWith(endpoint + ": ") && message.contains("no answer within"),
                        "expected a timeout naming " + endpoint + " and the wait, got: " + message);
            }

            server.unpause();
            try (EchoConnection client = Clients.connect(server.port())) {
                assertEquals("back", client.echo("back"), "expected the unpaused server to answer a new client");
                assertEquals(3, client.add(1, 2), "expected 1 + 2 = 3 after unpause");
            }
        }
    }

    @Test
    void killedServerMakesClientsFailPromptlyAndNothingHangs() {
        try (ServerContainer server = ServerContainer.start(0)) {
            // The read timeout (20 s) is far longer than "promptly": a client that only notices
            // through its timeout stops 20 s after the kill and fails the 10 s bound below. The clock
            // starts before the kill's call to dockerd, which takes its time on a busy machine.
            List<Disruption.Stop> stops = Disruption.talkUntil(Clients.config(server.port()), 50, 500, "kill",
                    server::kill, Duration.ofSeconds(15));
            List<String> failures = stops.stream().map(Disruption.Stop::message).toList();
            long slowest = stops.stream().mapToLong(Disruption.Stop::millis).max().orElse(-1);
            assertTrue(slowest < 10_000, "expected every client to fail within 10 s of the kill, slowest took "
                    + slowest + " ms; messages: " + failures.stream().distinct().toList());
            String endpoint = "127.0.0.1:" + server.port();
            for (String message : failures) {
                assertTrue(message.startsWith(endpoint), "expected the failure to name " + endpoint + ": " + message);
            }
        }
    }

    @Test
    void dockerStopEndsTheServerGracefullyWithExitZeroAndTheSummaryLine() throws IOException {
        try (ServerContainer server = ServerContainer.start(0, "--grace", "2s")) {
            try (EchoConnection client = Clients.connect(server.port())) {
                assertEquals("before stop", client.echo("before stop"), "expected an answer before docker stop");
            }
            long start = System.nanoTime();
            long exit = server.stop(Duration.ofSeconds(20));
            long millis = (System.nanoTime() - start) / 1_000_000;
            String logs = server.logs();
            assertEquals(0, exit, "expected exit code 0 after docker stop (SIGTERM to PID 1); logs:\n" + logs);
            assertTrue(millis < 10_000, "expected the server to stop well before docker's 20 s SIGKILL, took " + millis + " ms");
            assertTrue(logs.lines().anyMatch(line -> line.startsWith("echo-server stopped:")),
                    "expected the summary line 'echo-server stopped: ...'; logs:\n" + logs);
        }
    }

    @Test
    void containerLimitedTo256MiBHoldsFiveThousandConnections() {
        int connections = 5_000;
        try (ServerContainer server = ServerContainer.start(256L * 1024 * 1024, "--max-connections", "10000")) {
            List<EchoConnection> open = new ArrayList<>(connections);
            ConcurrentLinkedQueue<EchoConnection> opened = new ConcurrentLinkedQueue<>();
            Conversation.Tally tally = new Conversation.Tally();
            Semaphore connecting = new Semaphore(100); // the listen backlog is finite; SYN retries would only slow this
            try {
                Parallel.run(connections, Duration.ofSeconds(120), i -> {
                    connecting.acquire();
                    try {
                        EchoConnection client = Clients.connect(server.port());
                        opened.add(client);
                        Conversation.exchange(client, i, 0, tally);
                    } finally {
                        connecting.release();
                    }
                }).assertAllSucceeded("connections to open and be answered (" + tally + ")");
                open.addAll(opened);
                assertEquals(connections, open.size(), "expected " + connections + " open connections");
                // All of them at once, still held: each is answered once more.
                List<EchoConnection> clients = List.copyOf(open);
                Parallel.run(connections, Duration.ofSeconds(120), i -> {
                    connecting.acquire();
                    try {
                        Conversation.exchange(clients.get(i), i, 1, tally);
                    } finally {
                        connecting.release();
                    }
                }).assertAllSucceeded("held connections to be answered again (" + tally + ")");
                assertEquals(2L * connections, tally.correct.get(), "expected two right answers per connection: " + tally);
                String memory = server.memoryUsage();
                System.err.println("echo-it: " + connections + " connections held in the 256 MiB container; docker stats: "
                        + memory);
                assertTrue(server.isRunning(), "expected the container still running; logs:\n" + server.logs());
                assertFalse(server.wasOomKilled(), "expected no OOM kill at " + memory);
            } finally {
                opened.forEach(EchoConnection::close);
            }
        }
    }
}
