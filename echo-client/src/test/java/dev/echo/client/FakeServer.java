package dev.echo.client;

import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Framing;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A misbehaving server on 127.0.0.1, port 0, accepting any number of connections: each request read
 * is counted and answered by {@code answer} (null: never answered, a black hole).
 */
final class FakeServer implements AutoCloseable {
    private final ServerSocket serverSocket;
    private final Function<ClientMessage, ServerMessage> answer;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    FakeServer(Function<ClientMessage, ServerMessage> answer) throws IOException {
        this.answer = answer;
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fake-server").start(this::acceptLoop);
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket socket = serverSocket.accept();
                sockets.add(socket);
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            FrameReader reader = Framing.DELIMITED.newReader(socket.getInputStream());
            FrameWriter writer = Framing.DELIMITED.newWriter(socket.getOutputStream());
            ClientMessage request;
            while ((request = reader.read(ClientMessage.parser())) != null) {
                requests.incrementAndGet();
                ServerMessage reply = answer.apply(request);
                if (reply != null) {
                    writer.write(reply);
                    writer.flush();
                }
            }
        } catch (IOException e) {
            // the client closed it
        }
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
