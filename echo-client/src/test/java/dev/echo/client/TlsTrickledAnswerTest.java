package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EchoConnection}'s read timeout bounds a whole answer under TLS too. One read of an {@code
 * SSLSocket} reads a whole record from the TCP socket beneath, each of those reads with the whole
 * {@code SO_TIMEOUT} again: an answer's record trickled a byte every 500 ms held {@code receive()}
 * for 22 s against a read timeout of 1 s (a helper's attack). A network in between (a proxy here)
 * does the trickling, so that the TLS server itself is the JDK's, unchanged.
 */
@Timeout(60)
class TlsTrickledAnswerTest {
    @TempDir
    Path dir;
    private volatile boolean trickle;

    @Test
    void aTlsAnswerTrickledAByteAtATimeEndsAtTheReadTimeout() throws Exception {
        TestPki pki = TestPki.create(dir);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(PemFiles.keyStore(pki.server().certificate(), pki.server().key()), new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        try (SSLServerSocket tls = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> echoServer(tls));
            Thread.ofVirtual().start(() -> {
                try (Socket client = proxy.accept();
                     Socket server = new Socket(InetAddress.getLoopbackAddress(), tls.getLocalPort())) {
                    Thread.ofVirtual().start(() -> pump(client, server, false));
                    pump(server, client, true);
                } catch (IOException e) {
                    // the test is over
                }
            });
            ClientConfig config = ClientConfig.builder().host("localhost").port(proxy.getLocalPort())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .readTimeout(Duration.ofSeconds(1)).build();
            try (EchoConnection connection = EchoConnection.connect(config)) {
                assertEquals("at full speed", connection.echo("at full speed"));
                trickle = true; // each byte of the next answer's record 500 ms after the one before
                long start = System.nanoTime();
                IOException e = assertThrows(IOException.class, () -> connection.echo("hi"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(config.endpoint() + ": no answer within 1s", e.getMessage());
                // The record is about 30 bytes: 15 s trickled. The bound leaves room for a busy machine.
                assertTrue(millis >= 900 && millis < 5_000, "ended at the 1 s read timeout, took " + millis + " ms");
                assertFalse(connection.isOpen(), "closed after the failure");
            }
        }
    }

    private static void echoServer(SSLServerSocket tls) {
        try (Socket socket = tls.accept()) {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            FrameWriter writer = Framing.DELIMITED.newWriter(socket.getOutputStream());
            for (ClientMessage request; (request = reader.read(ClientMessage.parser())) != null; ) {
                writer.write(Messages.echoAnswer(request.getEchoMessage().getContent()));
                writer.flush();
            }
        } catch (IOException e) {
            // the client went
        }
    }

    /** Copies {@code from} to {@code to}; with {@code mayTrickle}, a byte every 500 ms once {@link #trickle} is set. */
    private void pump(Socket from, Socket to, boolean mayTrickle) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (mayTrickle && trickle) {
                    for (int i = 0; i < n; i++) {
                        LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // the attacker's pace, not a wait for anything
                        out.write(buffer[i]);
                        out.flush();
                    }
                } else {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed
        }
    }
}
