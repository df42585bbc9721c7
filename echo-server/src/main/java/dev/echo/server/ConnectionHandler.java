package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.TruncatedFrameException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection on its own thread, named {@code echo-conn-ID} while it does: {@link
 * #run()} is the {@link RequestLoop} inside a try/finally that closes the socket, gives the
 * buffers back and leaves the registry. Where the connection is and until when it may wait is its
 * {@link ConnectionPhase}; how it ends without a reset is {@link GracefulClose}.
 *
 * <p>Shutdown: {@link #stopIfWaiting()} ends a connection that waits at a frame boundary at once
 * (FIN, then the drain). Requests whose bytes had all arrived before are answered; the first frame
 * completed after that is answered SHUTTING_DOWN and the connection ends. {@link #forceClose()}
 * ends it wherever it is.
 *
 * <p>Deadlines, enforced by the server's {@link IdleSweeper} through {@link #checkDeadlines}: each
 * frame must arrive within the idle timeout, and each piece of an answer must be taken by the peer
 * within it too (a client that stops reading is closed, not left holding its slot).
 */
final class ConnectionHandler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Unique in the JVM, so that logs of servers running side by side never mix up connections. */
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    private final Socket socket;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final ConnectionRegistry registry;
    private final BufferBudget budget;
    private final long idleNanos;
    private final GracefulClose close;
    private final ConnectionPhase phase;
    private volatile Thread thread;
    /** Set once the connection's thread has its streams; read by the idle sweeper. */
    private volatile WriteProgressOutputStream output;
    private RequestLoop loop;

    ConnectionHandler(Socket socket, ServerConfig config, ServerCounters counters, ConnectionRegistry registry,
                      BufferBudget budget) {
        this.socket = socket;
        this.config = config;
        this.counters = counters;
        this.registry = registry;
        this.budget = budget;
        this.idleNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(TimeUnit.NANOSECONDS.convert(config.idleTimeout()), Long.MAX_VALUE / 4));
        this.close = new GracefulClose(socket, id);
        this.phase = new ConnectionPhase(close, idleNanos);
    }

    /** The thread serving this connection, or null before it started. */
    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        Thread current = Thread.currentThread();
        thread = current;
        String threadName = current.getName();
        current.setName("echo-conn-" + id);
        try {
            // Not a method of its own: each frame below run() is held, interpreted, by every parked connection.
            socket.setTcpNoDelay(true);
            WriteProgressOutputStream out = new WriteProgressOutputStream(socket.getOutputStream());
            loop = new RequestLoop(id, config, counters, phase, close, socket.getInputStream(), out, budget);
            output = out;
            phase.streamsReady();
            loop.run();
        } catch (SocketTimeoutException e) {
            log.debug("connection {}: closed after the drain: {}", id, e.getMessage());
        } catch (TruncatedFrameException e) {
            log.debug("connection {}: peer went away inside a frame: {}", id, e.getMessage());
        } catch (IOException e) {
            if (phase.closedByServer()) {
                log.debug("connection {}: closed by the server: {}", id, e.toString());
            } else {
                log.debug("connection {}: peer went away: {}", id, e.toString());
            }
        } catch (RuntimeException e) {
            log.warn("connection {}: closed after an unexpected failure", id, e);
        } finally {
            phase.done();
            close.close();
            if (loop != null) {
                loop.release();
                loop.countBytes();
            }
            registry.remove(this);
            current.setName(threadName);
        }
    }

    /**
     * Called by the idle sweeper. Closes the connection if a piece of an answer has waited for the
     * peer longer than the idle timeout; lets the phase act on a read blocked past its deadline.
     */
    void checkDeadlines(long nowNanos) {
        WriteProgressOutputStream out = output;
        if (out != null && out.stalledLongerThan(nowNanos, idleNanos)) {
            if (phase.endByServer()) {
                counters.writeTimeout(id, close.peer(), config.idleTimeout());
                close.close();
            }
            return;
        }
        if (!phase.blockedPastDeadline(nowNanos)) {
            return;
        }
        try {
            if (phase.expireIfBlocked(nowNanos) == ConnectionPhase.Overdue.IDLE) {
                counters.idleTimeout(id, close.peer(), config.idleTimeout());
            }
        } catch (IOException e) {
            log.debug("connection {}: could not check for waiting input: {}", id, e.toString());
        }
    }

    /** True while part of a frame has arrived and the rest has not. */
    boolean readingFrame() {
        return phase.readingFrame();
    }

    /** Shutdown began: a connection waiting at a frame boundary ends now; any other ends at its next one. */
    void stopIfWaiting() {
        phase.stopIfWaiting();
    }

    /** The grace period is over: closes the socket wherever the connection is. */
    void forceClose() {
        phase.endByServer();
        close.close();
    }
}
