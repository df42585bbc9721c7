package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.echo.core.Framing;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EchoServer#close()} promises that every thread of the server has ended when it returns. With
 * TLS and metrics on, while each kind of thread is busy (a TLS connection held open, whose close_notify
 * the shutdown sends from a thread of its own; clients over the connection limit waiting to be refused;
 * a metrics client that sent half a request; the file watcher, the sweeper, the events), no thread
 * named for the server's ports is alive after close(), virtual threads included (read from the JVM's
 * thread dump, which lists them; {@link Thread#getAllStackTraces()} does not).
 */
class CloseEndsEveryThreadTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Threads that must be running before close(), or the test would prove nothing: by the start of their names. */
    private static final List<String> EXPECTED_RUNNING = List.of("echo-accept-", "echo-idle-", "echo-events-", "echo-tls-",
            "echo-metrics-");

    @TempDir
    Path dir;

    @Test
    void noThreadOfATlsServerWithMetricsIsAliveAfterClose() throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        ServerTls tls = ServerTls.builder(pki.dir().resolve("server.pem"), pki.dir().resolve("server.key"))
                .clientCa(pki.dir().resolve("ca.pem")).reloadCheckInterval(Duration.ofMillis(100)).build();
        EchoServer server = EchoServer.create(ServerConfig.builder().port(0).metricsPort(0).maxConnections(1).tls(tls)
                .shutdownGrace(Duration.ofSeconds(2)).build()).start();
        List<Socket> held = new ArrayList<>();
        try {
            int port = server.port();
            int metricsPort = server.metricsAddress().orElseThrow().getPort();
            Pattern ours = Pattern.compile("echo-[a-z-]+-(" + port + "|" + metricsPort + ")(-.*)?");

            WireClient client = tlsClient(server, pki);
            assertEquals("held open", client.echo("held open"));
            held.add(client.socket());
            for (int i = 0; i < 4; i++) {
                held.add(TlsTestSockets.connect(port)); // over the limit and silent: each refusal waits on its own thread
            }
            Socket halfRequest = TlsTestSockets.connect(metricsPort);
            halfRequest.getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            held.add(halfRequest);
            Await.until("every kind of server thread running", WAIT, () -> {
                List<String> running = serverThreads(ours);
                return EXPECTED_RUNNING.stream().allMatch(prefix -> running.stream().anyMatch(n -> n.startsWith(prefix)));
            }, () -> serverThreads(ours).toString());
            List<Thread> connectionThreads = ServerProbe.threads(server).stream()
                    .filter(t -> t.getName().startsWith("echo-conn-" + server.port() + "-")).toList();
            assertFalse(connectionThreads.isEmpty(), "expected the held connection's thread: " + ServerProbe.threads(server));
            System.out.println("CloseEndsEveryThreadTest: before close(): " + serverThreads(ours) + " and " + connectionThreads);

            server.close();
            assertEquals(List.of(), serverThreads(ours), "expected no thread of the server alive after close()");
            assertEquals(List.of(), connectionThreads.stream().filter(Thread::isAlive).toList(),
                    "expected no connection thread alive after close()");
        } finally {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static WireClient tlsClient(EchoServer server, TestCertificates pki) throws IOException {
        return WireClient.over(TlsTestSockets.tlsSocket(server, pki.clientContext(), "TLSv1.3"), Framing.DELIMITED);
    }

    /** The names of the live threads, virtual ones included, that match {@code ours}. */
    private List<String> serverThreads(Pattern ours) {
        try {
            Path dump = Files.createTempFile(dir, "threads", ".json");
            Files.delete(dump); // dumpThreads will not overwrite a file
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher name = Pattern.compile("\"name\": \"([^\"]*)\"").matcher(Files.readString(dump));
            List<String> names = new ArrayList<>();
            while (name.find()) {
                if (ours.matcher(name.group(1)).matches()) {
                    names.add(name.group(1));
                }
            }
            Files.delete(dump);
            return names;
        } catch (IOException e) {
            throw new AssertionError("a thread dump", e);
        }
    }
}
