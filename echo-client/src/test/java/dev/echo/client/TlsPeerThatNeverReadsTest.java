package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.echo.core.tls.ClientTls;
import dev.echo.core.tls.PemFiles;
import dev.echo.testkit.OwnThread;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS server that completes the handshake and then reads nothing: the client's writes fill the
 * socket and block. Closing an {@code SSLSocket} sends close_notify first, which waits for the lock
 * of that blocked write; the client must end such a connection by closing its TCP socket, or its
 * deadline thread hangs in the close and no request of any connection ever times out.
 */
class TlsPeerThatNeverReadsTest {

    @TempDir
    Path dir;

    @Test
    void requestsToATlsPeerThatNeverReadsTimeOutAndCloseReturns() throws Exception {
        TestPki pki = TestPki.create(dir);
        SSLContext context = serverContext(pki);
        List<Socket> accepted = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().name("never-reads").start(() -> {
                try {
                    while (true) {
                        SSLSocket socket = (SSLSocket) server.accept();
                        synchronized (accepted) {
                            accepted.add(socket);
                        }
                        socket.setReceiveBufferSize(4096);
                        socket.startHandshake(); // and then never a read
                    }
                } catch (IOException e) {
                    stop.countDown(); // the server socket closed: the test is over
                }
            });
            ClientConfig config = ClientConfig.builder().host("localhost").port(server.getLocalPort())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .requestTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(10))
                    .closeTimeout(Duration.ofSeconds(1)).noRetries().build();
            String big = "x".repeat(60_000);
            List<CompletableFuture<String>> answers = new ArrayList<>();
            // Sent from a thread of their own: a write blocked on the full socket holds its caller until the
            // connection is closed, which is what the test is about.
            CompletableFuture<EchoClient> client = new CompletableFuture<>();
            Thread sender = Thread.ofVirtual().name("sender").start(() -> {
                EchoClient c = EchoClient.connect(config);
                client.complete(c);
                for (int i = 0; i < 400; i++) { // 24 MB: far more than both sockets' buffers hold
                    CompletableFuture<String> answer = c.echoAsync(big);
                    synchronized (answers) {
                        answers.add(answer);
                    }
                }
            });
            try {
                // Generous for a busy machine: each request's deadline is 1 s.
                assertTrue(sender.join(Duration.ofSeconds(60)),
                        "the sender is still blocked in a write 60 s later: the client never closed the connection");
                List<CompletableFuture<String>> all;
                synchronized (answers) {
                    all = List.copyOf(answers);
                }
                for (CompletableFuture<String> answer : all) {
                    try {
                        answer.get(30, TimeUnit.SECONDS);
                        fail("a peer that reads nothing answered");
                    } catch (ExecutionException e) {
                        assertInstanceOf(EchoClientException.class, e.getCause());
                    } catch (TimeoutException e) {
                        fail("a request was neither answered nor failed 30 s after its 1 s deadline");
                    }
                }
                CompletableFuture<Void> closed = CompletableFuture.runAsync(
                        () -> client.join().close(), OwnThread.named("closing"));
                closed.get(30, TimeUnit.SECONDS);
            } finally {
                sender.interrupt();
                server.close();
                synchronized (accepted) {
                    for (Socket socket : accepted) {
                        socket.close();
                    }
                }
            }
        }
        assertTrue(stop.await(10, TimeUnit.SECONDS));
    }
    /** The one-connection client: its close() from another thread (a watchdog) must not wait for the blocked write. */
    @Test
    void echoConnectionClosedFromAnotherThreadEndsItsBlockedWrite() throws Exception {
        TestPki pki = TestPki.create(dir);
        SSLContext context = serverContext(pki);
        List<Socket> accepted = new ArrayList<>();
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().name("never-reads").start(() -> {
                try {
                    SSLSocket socket = (SSLSocket) server.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                    socket.setReceiveBufferSize(4096);
                    socket.startHandshake(); // and then never a read
                } catch (IOException e) {
                    // the test is over
                }
            });
            ClientConfig config = ClientConfig.builder().host("localhost").port(server.getLocalPort())
                    .tls(ClientTls.builder().trustedCa(pki.caCertificate()).build())
                    .connectTimeout(Duration.ofSeconds(10)).build();
            EchoConnection connection = EchoConnection.connect(config);
            CompletableFuture<IOException> writerSaw = new CompletableFuture<>();
            Thread writer = Thread.ofVirtual().name("writer").start(() -> {
                try {
                    String big = "x".repeat(60_000);
                    for (int i = 0; i < 400; i++) { // 24 MB: far more than both sockets' buffers hold
                        connection.send(dev.echo.core.Messages.echo(big));
                        connection.flush();
                    }
                    writerSaw.complete(null);
                } catch (IOException e) {
                    writerSaw.complete(e);
                }
            });
            try {
                // The write blocks once the buffers are full: then a close from here must end it.
                dev.echo.testkit.Await.until("the writer blocked in its write", Duration.ofSeconds(30),
                        () -> writer.getState() == Thread.State.WAITING || writer.getState() == Thread.State.TIMED_WAITING);
                CompletableFuture<Void> closed = CompletableFuture.runAsync(
                        connection::close, OwnThread.named("closing"));
                try {
                    closed.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("close() from another thread waited 10 s for the write blocked on a peer that reads nothing");
                }
                IOException seen = writerSaw.get(10, TimeUnit.SECONDS);
                assertTrue(seen != null, "the blocked write ended with a failure");
            } finally {
                writer.interrupt();
                synchronized (accepted) {
                    for (Socket socket : accepted) {
                        socket.close();
                    }
                }
            }
        }
    }

    /** The peer's side: the test PKI's server certificate, no client certificate asked for. */
    private static SSLContext serverContext(TestPki pki) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(PemFiles.keyStore(pki.server().certificate(), pki.server().key()), new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
