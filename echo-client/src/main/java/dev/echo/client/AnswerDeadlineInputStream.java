package dev.echo.client;

import dev.echo.core.Durations;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A socket's input whose reads keep to one deadline, the answer's: {@code SO_TIMEOUT} alone bounds
 * each read, so a server that sent an answer a byte at a time, each within the timeout, held one
 * {@link EchoConnection#receive()} for the answer's size times the timeout (30 s against a read
 * timeout of 2 s, an attacker saw). Before each read the socket's timeout is set to what is left.
 */
final class AnswerDeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    /** False for a read timeout of zero: no limit. */
    private boolean limited;
    private long deadlineNanos;

    AnswerDeadlineInputStream(Socket socket) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
    }

    /** The next answer must be read whole within {@code timeout} (zero: no limit), from now. */
    void startAnswer(Duration timeout) {
        limited = !timeout.isZero();
        deadlineNanos = System.nanoTime() + Durations.nanosSaturated(timeout);
    }

    @Override
    public int read() throws IOException {
        keepToTheDeadline();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        keepToTheDeadline();
        return in.read(b, off, len);
    }

    private void keepToTheDeadline() throws IOException {
        if (!limited) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("the answer's deadline passed");
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(left + 999_999); // rounded up: never 0, which means no limit
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }
}
