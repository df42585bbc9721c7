package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.PemFiles;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fatal TLS alert on a connection that has been answering is a connection failure, not the
 * server's verdict on this client: a proxy flips one bit of a request record after 20 answers, the
 * JDK's TLS server sends bad_record_mac, and the requests on that connection go again. They failed
 * at once, "not retried: the server would refuse it again", though the same server answered on the
 * next connection (a helper's attack). A refusal before any answer is still not retried
 * ({@code TlsRefusalMessageTest}).
 */
@Timeout(60)
class TlsAlertMidStreamTest {
    @TempDir
    Path dir;
    private final AtomicBoolean corruptNext = new AtomicBoolean();

    @Test
    void aFatalAlertAfterAnswersIsALostConnectionAndItsRequestsGoAgain() throws Exception {
        TestPki pki = TestPki.create(dir);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(PemFiles.keyStore(pki.server().certificate(), pki.server().key()), new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        try (SSLServerSocket tls = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!tls.isClosed()) {
                    try {
                        Socket socket = tls.accept();
                        Thread.ofVirtual().start(() -> echoServer(socket));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            Thread.ofVirtual().start(() -> {
                while (!proxy.isClosed()) {
                    try {
                        Socket client = proxy.accept();
                        Socket server = new Socket(InetAddress.getLoopbackAddress(), tls.getLocalPort());
                        Thread.ofVirtual().start(() -> pump(client, server, true));
                        Thread.ofVirtual().start(() -> pump(server, client, false));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            ClientConfig config = ClientConfig.builder().host("localhost").port(proxy.getLocalPort())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .requestTimeout(Duration.ofSeconds(20)).build();
            try (EchoClient client = EchoClient.connect(config)) {
                for (int i = 0; i < 20; i++) {
                    assertEquals("ok " + i, client.echo("ok " + i));
                }
                corruptNext.set(true);
                List<CompletableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(client.echoAsync("after " + i));
                }
                for (int i = 0; i < calls.size(); i++) {
                    assertEquals("after " + i, calls.get(i).get(30, TimeUnit.SECONDS), "call " + i + ": " + client.stats());
                }
                ClientStats stats = client.stats();
                assertEquals(0, stats.failed(), stats.toString());
                assertTrue(stats.retried() >= 1, "the damaged request went again: " + stats);
            }
        }
    }

    private static void echoServer(Socket socket) {
        try (socket) {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            FrameWriter writer = Framing.DELIMITED.newWriter(socket.getOutputStream());
            for (ClientMessage request; (request = reader.read(ClientMessage.parser())) != null; ) {
                writer.write(Messages.echoAnswer(request.getEchoMessage().getContent()));
                writer.flush();
            }
        } catch (IOException e) {
            // the alert, or the client went
        }
    }

    /** Copies {@code from} to {@code to}; with {@code mayCorrupt}, flips a bit of the first chunk after {@link #corruptNext} is set. */
    private void pump(Socket from, Socket to, boolean mayCorrupt) {
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (mayCorrupt && n > 10 && corruptNext.getAndSet(false)) {
                    buffer[n - 3] ^= 1; // inside the record's authentication tag
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        }
    }
}
