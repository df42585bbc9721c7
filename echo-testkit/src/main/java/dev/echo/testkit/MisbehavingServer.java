package dev.echo.testkit;

import dev.echo.core.tls.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A hostile server on 127.0.0.1, port 0, for tests of what the client tools tell a user: each
 * connection is handed to a {@link Behaviour} on its own virtual thread, on the plain TCP streams,
 * or after a completed TLS handshake (with {@link TestPki}'s server certificate) on the TCP streams
 * beneath it, so that it can send bytes that are not TLS records of the session.
 */
public final class MisbehavingServer implements AutoCloseable {
    /** What the server does with one connection; its streams are closed when it returns. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket listener;
    private final SSLContext tls;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();

    private MisbehavingServer(SSLContext tls, Behaviour behaviour) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.tls = tls;
        this.behaviour = behaviour;
        Thread.ofVirtual().name("misbehaving-server").start(this::acceptLoop);
    }

    /** Plain TCP: {@code behaviour} gets each connection as it comes. */
    public static MisbehavingServer plain(Behaviour behaviour) throws IOException {
        return new MisbehavingServer(null, behaviour);
    }

    /** TLS: each connection's handshake completes (any client), then {@code behaviour} gets its TCP streams. */
    public static MisbehavingServer afterTlsHandshake(TestPki pki, Behaviour behaviour) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(PemFiles.keyStore(pki.server().certificate(), pki.server().key()), new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return new MisbehavingServer(context, behaviour);
    }

    /** Reads the client's first bytes (its request, whatever they are), then sends {@code bytes} and waits for the client to leave. */
    public static Behaviour answerWith(byte[] bytes) {
        return (in, out) -> {
            if (in.read(new byte[16384]) >= 0) {
                out.write(bytes);
                out.flush();
                in.transferTo(OutputStream.nullOutputStream());
            }
        };
    }

    /** The same, but closes the connection once {@code bytes} are sent. */
    public static Behaviour answerWithAndClose(byte[] bytes) {
        return (in, out) -> {
            if (in.read(new byte[16384]) >= 0) {
                out.write(bytes);
                out.flush();
            }
        };
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** TLS handshakes completed so far. */
    public int handshakes() {
        return handshakes.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            if (tls != null) {
                SSLSocket session = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), false);
                session.setUseClientMode(false);
                session.startHandshake();
                handshakes.incrementAndGet();
            }
            behaviour.serve(socket.getInputStream(), socket.getOutputStream());
        } catch (IOException e) {
            // the client left, or refused the handshake
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
