package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.Durations;
import dev.echo.core.TruncatedFrameException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection on its own thread, named {@code echo-conn-PORT-ID} while it does: {@link
 * #run()} opens its {@link ConnectionTransport} (the TLS handshake, if any), then runs the {@link
 * RequestLoop} inside a try/finally that closes the socket, gives the buffers back and leaves the
 * registry. Where the connection is and until when it may wait is its {@link ConnectionPhase}; how
 * it ends without a reset, its transport's.
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

    /**
     * The most a connection that our alert ended (a failed handshake, a bad record) may send during its
     * drain: a refused client's first requests (TLS 1.3 sends them right after its Finished) fit many
     * times over. Past it the socket is closed, with a reset: the peer is no client of ours, and one that
     * floods the drain (3.7 GB in its 5 s, 4 s of CPU, an attacker measured) only costs the server reads.
     */
    static final long MAX_DRAIN_BYTES_AFTER_ALERT = 256 * 1024;

    /** After its drain's bound, how long a closing connection may stay stuck outside a read before it is closed. */
    private static final long CLOSING_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

    final long id;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final ConnectionRegistry registry;
    private final BufferBudget budget;
    private final long idleNanos;
    private final ConnectionTransport transport;
    private final ConnectionPhase phase;
    private volatile Thread thread;
    /** Set once the connection's thread has its streams; read by the idle sweeper. */
    private volatile WriteProgressOutputStream output;
    private RequestLoop loop;

    /** A new connection's id: unique in the JVM, so that logs of servers side by side never mix up connections. */
    static long nextId() {
        return IDS.incrementAndGet();
    }

    /** @param acceptedNanos when the socket was accepted ({@link System#nanoTime}): its first deadline counts from then */
    ConnectionHandler(long id, ConnectionTransport transport, ServerConfig config, ServerCounters counters,
                      ConnectionRegistry registry, BufferBudget budget, long acceptedNanos) {
        this.id = id;
        this.transport = transport;
        this.config = config;
        this.counters = counters;
        this.registry = registry;
        this.budget = budget;
        this.idleNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Durations.nanosSaturated(config.idleTimeout()));
        this.phase = new ConnectionPhase(idleNanos, acceptedNanos);
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
        current.setName("echo-conn-" + transport.socket.getLocalPort() + "-" + id); // the port: a JVM may run several servers
        try {
            // Not a method of its own: each frame below run() is held, interpreted, by every parked connection.
            transport.open(phase);
            WriteProgressOutputStream out = new WriteProgressOutputStream(transport.output(), current);
            loop = new RequestLoop(id, config, counters, phase, transport, out, budget);
            output = out;
            phase.streamsReady();
            loop.run();
        } catch (HandshakeException e) {
            handshakeFailed(e);
        } catch (SocketTimeoutException e) {
            log.debug("connection {}: closed after the drain: {}", id, e.getMessage());
        } catch (TruncatedFrameException e) {
            log.debug("connection {}: peer went away inside a frame: {}", id, e.getMessage());
        } catch (SSLException e) {
            // The JDK wraps a socket failure under a record read in an SSLException too: only the peer's bytes count
            // (a record that is not valid TLS, or a renegotiation the JDK refuses: both break the server's rules).
            if (phase.closedByServer() || e.getCause() instanceof java.net.SocketException) {
                log.debug("connection {}: TLS connection ended: {}", id, e.toString());
            } else {
                badRecord(e);
            }
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
            transport.close();
            if (loop != null) {
                loop.release();
                loop.countBytes();
            }
            registry.remove(this);
            current.setName(threadName);
        }
    }

    /**
     * A handshake failed (its transport has counted it, and told a client that does not speak TLS so):
     * logged, then, unless the handshake ran out of time or the server's stop closed it, the
     * connection ends like any other: FIN and drain.
     */
    private void handshakeFailed(HandshakeException e) {
        counters.handshakeFailed(id, transport.peer(), e.getMessage());
        if (e.reason() == HandshakeFailure.TIMEOUT || e.reason() == HandshakeFailure.SERVER_STOPPED) {
            return;
        }
        // Under TLS 1.3 the client's first request follows its handshake at once: bytes we never read.
        endAfterAlert("a failed handshake");
    }

    /**
     * The peer sent what is not a valid TLS record after its handshake: the JDK has sent its fatal
     * alert, after the answers to the requests before it unless it was application data that did not
     * decrypt ({@link RecordHeaderCheckingInputStream}). Counted and told, then the end of a failed
     * handshake: what the client sent after the bad record (the rest of an HTTP request), left unread,
     * would make the close a reset that destroys the answers and the alert.
     */
    private void badRecord(SSLException e) {
        transport.invalidRecord();
        counters.tlsBadRecord(id, transport.peer(), e.getMessage());
        endAfterAlert("an invalid TLS record");
    }

    /**
     * The JDK has sent its alert: FIN after it and drain, so that the client's bytes we never read
     * cause no reset that would destroy the alert (and what came before it) before the client reads it;
     * at most {@link #MAX_DRAIN_BYTES_AFTER_ALERT}, since a peer that floods the drain is no client.
     */
    private void endAfterAlert(String after) {
        try {
            if (phase.beginClosing()) {
                transport.shutOutput();
            }
            transport.drain(new FrameDeadlineInputStream(transport.drainInput(), phase, () -> { }), phase.drainEndNanos(),
                    MAX_DRAIN_BYTES_AFTER_ALERT);
        } catch (IOException failure) {
            log.debug("connection {}: ending after {}: {}", id, after, failure.toString());
        }
    }

    /**
     * Called by the idle sweeper. Closes the connection if a piece of an answer has waited for the
     * peer longer than the idle timeout, or if it is stuck closing; acts on a read blocked past its
     * deadline as the phase says.
     */
    void checkDeadlines(long nowNanos) {
        WriteProgressOutputStream out = output;
        if (out != null && out.stalledLongerThan(nowNanos, idleNanos)) {
            if (phase.endByServer()) {
                counters.writeTimeout(id, transport.peer(), config.idleTimeout());
                transport.close();
            }
            return;
        }
        if (phase.closingTooLong(nowNanos, CLOSING_SLACK_NANOS)) {
            if (phase.endByServer()) {
                log.debug("connection {}: still closing past the drain's bound, closed", id);
                transport.close();
            }
            return;
        }
        if (!phase.deadlines().blockedPastDeadline(nowNanos)) {
            return;
        }
        try {
            // Bytes waiting, or a thread the poller woke for them that has not run yet: not idle.
            boolean notIdle = transport.inputWaiting() || VirtualThreadState.runnable(thread);
            switch (phase.expireIfBlocked(nowNanos, notIdle)) {
                case NONE -> { }
                case IDLE -> {
                    transport.shutOutput();
                    counters.idleTimeout(id, transport.peer(), config.idleTimeout());
                }
                case DRAINED -> transport.endBlockedRead();
                case HANDSHAKE -> transport.close();
            }
        } catch (IOException e) {
            log.debug("connection {}: could not act on its deadline: {}", id, e.toString());
        }
    }

    /** True while part of a frame has arrived and the rest has not. */
    boolean readingFrame() {
        return phase.readingFrame();
    }

    /** True once our side is shut (the drain follows) or the connection is closed. */
    boolean closing() {
        return phase.closing();
    }

    /** Shutdown began: a connection waiting at a frame boundary ends now; any other ends at its next one. */
    void stopIfWaiting() {
        switch (phase.stopIfWaiting()) {
            case NONE -> { }
            case SHUT_OUTPUT -> transport.shutOutput();
            case CLOSE -> transport.close();
        }
    }

    /** The grace period is over: closes the socket wherever the connection is. */
    void forceClose() {
        phase.endByServer();
        transport.close();
    }
}
