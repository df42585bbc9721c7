package dev.echo.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The socket's input as the frame reader sees it, with one deadline per frame: before each
 * underlying read, SO_TIMEOUT is set to the time left until the current frame's deadline. A client
 * that trickles a byte now and then (slowloris) therefore times out as surely as a silent one.
 */
final class FrameDeadlineInputStream extends InputStream {

    /** Told about reads, so the connection can flush its answers and track where it is. */
    interface Listener {
        /** Called before every read that may block. */
        void beforeRead() throws IOException;

        /** Called after a read returned {@code count} bytes, at least one. */
        void bytesArrived(int count);
    }

    private final Socket socket;
    private final InputStream in;
    private final Listener listener;
    private long deadlineNanos;
    private long timeoutMillis;

    FrameDeadlineInputStream(Socket socket, Listener listener) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.listener = listener;
    }

    /** Starts the clock for the next frame: it must be complete within {@code timeoutMillis}. */
    void startFrame(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + Math.min(TimeUnit.MILLISECONDS.toNanos(timeoutMillis), Long.MAX_VALUE / 4);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        listener.beforeRead();
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
            // Late, perhaps only because this thread waited for a CPU: what had already arrived
            // by the deadline still counts, but nothing is waited for any more.
            int arrived = in.available();
            if (arrived <= 0) {
                throw new SocketTimeoutException("no whole frame within " + timeoutMillis + " ms");
            }
            int n = in.read(b, off, Math.min(len, arrived));
            if (n > 0) {
                listener.bytesArrived(n);
            }
            return n;
        }
        long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos + 999_999));
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
        int n;
        try {
            n = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            SocketTimeoutException idle = new SocketTimeoutException("no whole frame within " + timeoutMillis + " ms");
            idle.initCause(e);
            throw idle;
        }
        if (n > 0) {
            listener.bytesArrived(n);
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
