package dev.echo.it.probe;

import dev.echo.core.BulkReadInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose reads all end by one deadline, however the bytes trickle in: each read
 * gets the socket timeout that is left, so a server sending one byte a second cannot stretch "no
 * answer within 2s" into minutes.
 */
final class DeadlineInputStream extends BulkReadInputStream {
    private final Socket socket;
    private long deadlineNanos;

    DeadlineInputStream(Socket socket) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
    }

    void deadlineIn(long nanos) {
        deadlineNanos = System.nanoTime() + nanos;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
        return in.read(buffer, offset, length);
    }
}
