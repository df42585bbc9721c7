package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A connection in clear text: the TCP socket's own streams. */
final class PlainConnection extends ConnectionTransport {

    PlainConnection(Socket socket, long id) {
        super(socket, id);
    }

    @Override
    void open(ConnectionPhase phase) throws IOException {
        socket.setTcpNoDelay(true);
    }

    @Override
    InputStream input() throws IOException {
        return socket.getInputStream();
    }

    @Override
    OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    void shutOutput() {
        shutSocketOutput();
    }

    @Override
    boolean inputWaiting() throws IOException {
        return socket.isClosed() || socket.isInputShutdown() || socket.getInputStream().available() > 0;
    }

    @Override
    InputStream drainInput() throws IOException {
        return socket.getInputStream();
    }
}
