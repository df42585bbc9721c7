package dev.echo.bench.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.compare.SelfSignedPem;
import dev.echo.bench.load.LoadConfig;
import dev.echo.bench.load.LoadResult;
import dev.echo.bench.load.LoadRun;
import dev.echo.bench.netty.NettyEchoServer;
import dev.echo.bench.netty.NettyTls;
import dev.echo.core.tls.ClientTls;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** echo-load over TLS against echo-server's TLS listener and the Netty peer's: short real runs, every answer verified. */
@Timeout(60)
class TlsLoadTest {
    @TempDir
    static Path dir;

    static SelfSignedPem pem;

    @BeforeAll
    static void certificate() throws Exception {
        pem = SelfSignedPem.create(dir);
    }

    private static LoadResult run(LoadConfig config) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        return new LoadRun(config, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
    }

    private static LoadConfig.Builder shortRun(int port) {
        return LoadConfig.builder().port(port).connections(3).warmup(Duration.ofMillis(200))
                .duration(Duration.ofMillis(1000)).timeout(Duration.ofSeconds(10)).progress(false)
                .tls(ClientTls.builder().trustedCa(pem.certificate()).build());
    }

    private static EchoServer tlsServer() throws Exception {
        return EchoServer.create(ServerConfig.builder().port(0)
                .tls(ServerTls.builder(pem.certificate(), pem.privateKey()).build()).build()).start();
    }

    @Test
    void aTlsRunVerifiesEveryAnswer() throws Exception {
        try (EchoServer server = tlsServer()) {
            LoadResult result = run(shortRun(server.port()).pipeline(4).build());
            assertTrue(result.clean(), result.summary() + " " + result.firstProblem());
            assertEquals(3, result.connectionsOpened());
            assertTrue(result.responses() > 0);
        }
    }

    @Test
    void aNewConnectionPerRequestDoesAHandshakeForEachAnswer() throws Exception {
        try (EchoServer server = tlsServer()) {
            LoadResult result = run(shortRun(server.port()).newConnectionPerRequest(true).build());
            assertTrue(result.clean(), result.summary() + " " + result.firstProblem());
            assertTrue(result.responses() > 3, "expected more answers than slots: " + result.summary());
            long accepted = server.stats().connectionsAccepted();
            assertTrue(accepted >= result.responses(), "expected a connection per answer: accepted " + accepted
                    + ", answers " + result.responses());
        }
    }

    @Test
    void aPlainRunAtATlsPortFailsWithTheServersLine() throws Exception {
        try (EchoServer server = tlsServer()) {
            LoadResult result = run(shortRun(server.port()).tls(ClientTls.OFF).connections(1).build());
            assertTrue(!result.clean());
            assertTrue(String.valueOf(result.firstProblem()).contains("this port speaks TLS"), result.firstProblem());
        }
    }

    @Test
    void aTlsRunAtAPlainPortSaysTheServerDoesNotSpeakTls() throws Exception {
        try (EchoServer server = EchoServer.create(ServerConfig.builder().port(0).build()).start()) {
            LoadResult result = run(shortRun(server.port()).connections(1).build());
            assertEquals(0, result.connectionsOpened());
            assertTrue(String.valueOf(result.firstProblem()).contains("the server does not speak TLS"),
                    result.firstProblem());
        }
    }

    @Test
    void theNettyPeerServesTlsWithTheJdkProvider() throws Exception {
        try (NettyEchoServer netty = new NettyEchoServer("127.0.0.1", 0, 1 << 20, 1)
                .tls(NettyTls.serverContext(pem.certificate(), pem.privateKey(), null, NettyTls.Provider.JDK)).start()) {
            assertEquals("jdk", netty.tlsProvider());
            LoadResult result = run(shortRun(netty.port()).pipeline(4).build());
            assertTrue(result.clean(), result.summary() + " " + result.firstProblem());
            LoadResult perRequest = run(shortRun(netty.port()).newConnectionPerRequest(true).build());
            assertTrue(perRequest.clean(), perRequest.summary() + " " + perRequest.firstProblem());
        }
    }
}
