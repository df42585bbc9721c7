package dev.echo.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test peer on 127.0.0.1, port 0, that accepts one connection and runs {@code behaviour} on it
 * (stay silent, send bytes, close). Not an echo server: it stands in for a misbehaving one.
 */
public final class SilentPeer implements AutoCloseable {

    @FunctionalInterface
    public interface Behaviour {
        void on(Socket socket) throws IOException;
    }

    private final ServerSocket serverSocket;
    private final CompletableFuture<Socket> accepted = new CompletableFuture<>();

    public SilentPeer(Behaviour behaviour) throws IOException {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("silent-peer").start(() -> {
            try {
                Socket socket = serverSocket.accept();
                accepted.complete(socket);
                behaviour.on(socket);
            } catch (IOException e) {
                accepted.completeExceptionally(e);
            }
        });
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    ClientConfig.Builder config() {
        return ClientConfig.builder().host("127.0.0.1").port(port());
    }

    /** The accepted connection, waiting at most 10 s for it. */
    Socket acceptedSocket() {
        try {
            return accepted.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the connection", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the peer accepted no connection within 10 s", e);
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        Socket socket = accepted.getNow(null);
        if (socket != null) {
            socket.close();
        }
    }

    static void write(Socket socket, byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
