package dev.echo.client;

import dev.echo.core.Durations;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket's input whose reads keep to one deadline, the answer's: {@code SO_TIMEOUT} alone bounds
 * each read, so a server that sent an answer a byte at a time, each within the timeout, held one
 * {@link EchoConnection#receive()} for the answer's size times the timeout (30 s against a read
 * timeout of 2 s, an attacker saw). Before each read the socket's timeout is set to what is left.
 *
 * <p>Under TLS that is not enough: one read of the {@code SSLSocket} reads a whole record from the
 * TCP socket beneath, each of those reads with the whole timeout again, so a record trickled a byte
 * at a time held a 2-character echo for 22 s against a read timeout of 1 s (a helper's attack). There
 * a timer closes the TCP socket at the answer's deadline, unless the answer was read first.
 */
final class AnswerDeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    /** The TCP socket beneath {@link #socket} under TLS, which the timer closes; null in clear text. */
    private final Socket tcpUnderTls;
    /** False for a read timeout of zero: no limit. */
    private boolean limited;
    private long deadlineNanos;
    private ScheduledFuture<?> watchdog;
    /**
     * The current answer's race between its reader and the timer, one per answer so that a timer task
     * already running for an earlier answer cannot close the connection under a later one: {@link
     * #READING}, then {@link #ENDED} (the reader won) or {@link #CLOSED} (the timer won, and closed TCP).
     */
    private AtomicInteger answer = new AtomicInteger(ENDED);
    private static final int READING = 0;
    private static final int ENDED = 1;
    private static final int CLOSED = 2;

    AnswerDeadlineInputStream(Socket socket, Socket tcp) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        this.tcpUnderTls = tcp != socket ? tcp : null;
    }

    /** The next answer must be read whole within {@code timeout} (zero: no limit), from now. */
    void startAnswer(Duration timeout) {
        limited = !timeout.isZero();
        deadlineNanos = System.nanoTime() + Durations.nanosSaturated(timeout);
        if (limited && tcpUnderTls != null) {
            Socket tcp = tcpUnderTls;
            AtomicInteger race = new AtomicInteger(READING);
            answer = race;
            watchdog = Watchdog.TIMER.schedule(() -> {
                if (race.compareAndSet(READING, CLOSED)) {
                    try {
                        tcp.close();
                    } catch (IOException e) {
                        // closed already
                    }
                }
            }, Durations.nanosSaturated(timeout), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The answer was read whole (or its read failed): the timer has nothing more to do for it.
     * Returns false if the timer came first and closed the connection: an answer read meanwhile
     * came too late, on a connection that is gone.
     */
    boolean answerEnded() {
        ScheduledFuture<?> w = watchdog;
        if (w == null) {
            return true;
        }
        watchdog = null;
        w.cancel(false);
        return answer.compareAndSet(READING, ENDED); // else CLOSED: only this method ends a race it started
    }

    /** One daemon thread for every connection's TLS answer deadline, started on first use. */
    private static final class Watchdog {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "echo-connection-answer-deadlines");
                thread.setDaemon(true); // never keeps a JVM alive
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true); // answers read in time leave its queue at once
            return timer;
        }
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
