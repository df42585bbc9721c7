package dev.echo.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.FrameReader;
import dev.echo.core.FrameTooLargeException;
import dev.echo.core.FrameWriter;
import dev.echo.core.Framing;
import dev.echo.core.MalformedFrameException;
import dev.echo.core.RequestHandler;
import dev.echo.core.TruncatedFrameException;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection on its own thread: read a frame, answer it, repeat. Answers are flushed
 * when no pipelined request is waiting in the reader, and always before a read that may block, so
 * a client never waits for an answer that sits in a buffer.
 *
 * <p>Shutdown: {@link #stopIfWaiting()} ends a connection that waits at a frame boundary at once.
 * Requests whose bytes had all arrived before are answered; the first frame completed after that
 * is answered SHUTTING_DOWN and the connection closes. {@link #forceClose()} ends it wherever it is.
 */
final class ConnectionHandler implements Runnable, FrameDeadlineInputStream.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Unique in the JVM, so that logs of servers running side by side never mix up connections. */
    private static final AtomicLong IDS = new AtomicLong();
    /** After a last error answer, how long and how much of the peer's input to read and drop before closing. */
    private static final long LINGER_MILLIS = 100;
    private static final long LINGER_MAX_BYTES = 64 * 1024;

    /** Where the connection is; guarded by {@link #lock}. */
    private enum Phase {
        /** At a frame boundary, nothing of the next frame received: safe to close on shutdown. */
        WAITING,
        /** Part of a frame received. */
        READING,
        /** Answering a complete frame. */
        ANSWERING,
        /** Closed, or being closed. */
        DONE
    }

    final long id = IDS.incrementAndGet();
    private final Socket socket;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final ConnectionRegistry registry;
    private final ReentrantLock lock = new ReentrantLock();
    private Phase phase = Phase.WAITING;
    private boolean shuttingDown;
    /** Bytes received so far, and how many had arrived when shutdown began; guarded by {@link #lock}. */
    private long bytesArrived;
    private long bytesArrivedAtShutdown = Long.MAX_VALUE;
    private volatile Thread thread;

    /** Set once the connection's thread starts serving; read by the idle sweeper. */
    private volatile FrameDeadlineInputStream input;
    private FrameReader reader;
    private FrameWriter writer;
    private boolean unflushed;
    private long bytesInCounted;
    private long bytesOutCounted;

    ConnectionHandler(Socket socket, ServerConfig config, ServerCounters counters, ConnectionRegistry registry) {
        this.socket = socket;
        this.config = config;
        this.counters = counters;
        this.registry = registry;
    }

    /** The thread serving this connection, or null before it started. */
    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        Thread current = Thread.currentThread();
        thread = current;
        String poolName = current.isVirtual() ? null : current.getName();
        if (poolName != null) {
            current.setName("echo-conn-" + id);
        }
        try {
            serve();
        } catch (SocketTimeoutException e) {
            log.debug("connection {}: closed: {} (idle timeout {})", id, e.getMessage(), config.idleTimeout());
        } catch (TruncatedFrameException e) {
            log.debug("connection {}: peer went away inside a frame: {}", id, e.getMessage());
        } catch (IOException e) {
            log.debug("connection {}: peer went away: {}", id, e.toString());
        } catch (RuntimeException e) {
            log.warn("connection {}: closed after an unexpected failure", id, e);
        } finally {
            close();
            countBytes();
            registry.remove(this);
            if (poolName != null) {
                current.setName(poolName);
            }
        }
    }

    private void serve() throws IOException {
        socket.setTcpNoDelay(true);
        Framing framing = config.framing();
        writer = framing.newWriter(socket.getOutputStream());
        FrameDeadlineInputStream in = new FrameDeadlineInputStream(socket.getInputStream(), this);
        reader = framing.newReader(in, config.maxFrameBytes());
        input = in;
        long idleMillis = Math.max(1, TimeUnit.MILLISECONDS.convert(config.idleTimeout()));
        while (awaitFrame()) {
            in.startFrame(idleMillis);
            int length;
            try {
                length = reader.nextFrame();
            } catch (FrameTooLargeException e) {
                answerAndClose(ErrorResponse.Code.FRAME_TOO_LARGE, e.getMessage());
                return;
            } catch (MalformedFrameException e) {
                answerAndClose(ErrorResponse.Code.MALFORMED_MESSAGE, e.getMessage());
                return;
            }
            if (length < 0) {
                flushAnswers();
                log.debug("connection {}: closed by the peer", id);
                return;
            }
            if (beginAnswer(reader.bytesRead() - reader.bufferedBytes())) {
                answerAndClose(ErrorResponse.Code.SHUTTING_DOWN, "server is shutting down");
                return;
            }
            ClientMessage request;
            try {
                request = reader.parseFrame(ClientMessage.parser());
            } catch (InvalidProtocolBufferException e) {
                String detail = "frame of " + length + " bytes is not a valid ClientMessage: " + e.getMessage();
                if (framing == Framing.RAW) {
                    // Without a length prefix, a frame that does not parse leaves no trustworthy boundary.
                    answerAndClose(ErrorResponse.Code.MALFORMED_MESSAGE, detail);
                    return;
                }
                answer(null, RequestHandler.error(ErrorResponse.Code.MALFORMED_MESSAGE, detail));
                continue;
            }
            answer(request.getMessageCase(), RequestHandler.handle(request));
        }
        flushAnswers();
    }

    private void answer(ClientMessage.MessageCase requestCase, ServerMessage answer) throws IOException {
        writer.write(answer);
        unflushed = true;
        counters.answered(requestCase, answer);
        if (reader.bufferedBytes() == 0) {
            flushAnswers();
        }
        countBytes();
    }

    /**
     * Sends one last error answer, then closes our side and briefly reads what the peer still sends:
     * closing with unread bytes would send a reset, which on some systems destroys the answer before
     * the peer reads it.
     */
    private void answerAndClose(ErrorResponse.Code code, String detail) throws IOException {
        log.debug("connection {}: {} ({}), closing", id, code, detail);
        answer(null, RequestHandler.error(code, detail));
        flushAnswers();
        socket.shutdownOutput();
        discardInputBriefly();
    }

    private void discardInputBriefly() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        byte[] sink = new byte[8192];
        long discarded = 0;
        try {
            InputStream in = socket.getInputStream();
            while (discarded < LINGER_MAX_BYTES) {
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    break;
                }
                socket.setSoTimeout((int) remainingMillis);
                int n = in.read(sink);
                if (n < 0) {
                    break;
                }
                discarded += n;
            }
        } catch (IOException e) {
            // Timed out or gone: either way there is nothing more to wait for.
            log.trace("connection {}: stopped discarding input after {} bytes: {}", id, discarded, e.toString());
        }
    }

    private void flushAnswers() throws IOException {
        if (unflushed) {
            writer.flush();
            unflushed = false;
        }
    }

    @Override
    public void beforeRead() throws IOException {
        flushAnswers();
    }

    @Override
    public void bytesArrived(int count) {
        lock.lock();
        try {
            bytesArrived += count;
            if (phase == Phase.WAITING) {
                phase = Phase.READING;
            }
        } finally {
            lock.unlock();
        }
    }

    /** At a frame boundary: false if the server is shutting down and nothing of a next frame is here. */
    private boolean awaitFrame() {
        lock.lock();
        try {
            boolean partOfFrameBuffered = reader.bufferedBytes() > 0;
            if (phase == Phase.DONE || (shuttingDown && !partOfFrameBuffered)) {
                return false;
            }
            phase = partOfFrameBuffered ? Phase.READING : Phase.WAITING;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A whole frame, ending at stream offset {@code frameEnd}, is here: true if it was completed
     * after shutdown began, so it gets SHUTTING_DOWN. Frames whose bytes had all arrived before are
     * answered as usual.
     */
    private boolean beginAnswer(long frameEnd) {
        lock.lock();
        try {
            phase = Phase.ANSWERING;
            return shuttingDown && frameEnd > bytesArrivedAtShutdown;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by the idle sweeper: if this connection's thread is blocked in a read past its frame's
     * deadline and nothing that arrived is waiting to be read, ends the read, which then fails with
     * a timeout and closes the connection. Bytes already waiting mean the thread is about to run;
     * it checks the deadline itself before its next read.
     *
     * @return true if the connection was timed out
     */
    boolean expireIfIdle(long nowNanos) {
        FrameDeadlineInputStream in = input;
        if (in == null || !in.blockedPastDeadline(nowNanos)) {
            return false;
        }
        lock.lock();
        try {
            if (phase == Phase.DONE || phase == Phase.ANSWERING || !in.blockedPastDeadline(nowNanos)
                    || socket.isClosed() || socket.isInputShutdown() || in.available() > 0) {
                return false;
            }
            in.expire();
            shutdownInputQuietly();
            return true;
        } catch (IOException e) {
            log.debug("connection {}: could not check for waiting input: {}", id, e.toString());
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** True while part of a frame has arrived and the rest has not. */
    boolean readingFrame() {
        lock.lock();
        try {
            return phase == Phase.READING;
        } finally {
            lock.unlock();
        }
    }

    /** Shutdown began: a connection waiting at a frame boundary ends now; any other ends at its next one. */
    void stopIfWaiting() {
        lock.lock();
        try {
            if (!shuttingDown) {
                shuttingDown = true;
                bytesArrivedAtShutdown = bytesArrived;
            }
            if (phase == Phase.WAITING) {
                phase = Phase.DONE;
                // Ends the blocked read with an end of stream; the connection's own thread then
                // flushes what it owes and closes.
                shutdownInputQuietly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The grace period is over: closes the socket wherever the connection is. */
    void forceClose() {
        lock.lock();
        try {
            shuttingDown = true;
            phase = Phase.DONE;
        } finally {
            lock.unlock();
        }
        close();
    }

    private void shutdownInputQuietly() {
        try {
            if (!socket.isClosed() && !socket.isInputShutdown()) {
                socket.shutdownInput();
            }
        } catch (IOException e) {
            log.debug("connection {}: shutting down input failed: {}", id, e.toString());
        }
    }

    private void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close failed: {}", id, e.toString());
        }
    }

    private void countBytes() {
        if (reader != null) {
            long in = reader.bytesRead();
            counters.bytesIn.add(in - bytesInCounted);
            bytesInCounted = in;
        }
        if (writer != null) {
            long out = writer.bytesWritten();
            counters.bytesOut.add(out - bytesOutCounted);
            bytesOutCounted = out;
        }
    }
}
