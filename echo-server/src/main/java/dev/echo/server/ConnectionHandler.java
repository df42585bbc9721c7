package dev.echo.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.BufferBudget;
import dev.echo.core.BufferBudgetExceededException;
import dev.echo.core.Durations;
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
 * <p>Every end that is not the peer's reset is graceful: the last whole answer is flushed, then our
 * side is shut (FIN), then input is read and dropped until the peer closes or has been quiet for
 * {@link #DRAIN_QUIET_NANOS} (at most {@link #DRAIN_MAX_NANOS} in all), and only then is the socket
 * closed. Closing with unread input would make the kernel send a reset, which destroys answers
 * still on their way to the peer.
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
final class ConnectionHandler implements Runnable, FrameDeadlineInputStream.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Unique in the JVM, so that logs of servers running side by side never mix up connections. */
    private static final AtomicLong IDS = new AtomicLong();
    /** After our FIN: how long the peer may stay silent before we close, and how long the drain may last. */
    static final long DRAIN_QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long DRAIN_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Where the connection is; guarded by {@link #lock}. */
    private enum Phase {
        /** At a frame boundary, nothing of the next frame received, every answer flushed. */
        WAITING,
        /** Part of a frame received. */
        READING,
        /** Answering a complete frame. */
        ANSWERING,
        /** Our side shut after the last answer; input is read only to be dropped. */
        CLOSING,
        /** Closed, or being closed. */
        DONE
    }

    /** What to do with a frame that has arrived whole. */
    private enum Verdict { ANSWER, REFUSE, DRAIN }

    final long id = IDS.incrementAndGet();
    private final Socket socket;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final ConnectionRegistry registry;
    private final BufferBudget budget;
    private final long idleNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private Phase phase = Phase.WAITING;
    private boolean shuttingDown;
    private long closingSinceNanos;
    /** Bytes received so far, and how many had arrived when shutdown began; guarded by {@link #lock}. */
    private long bytesArrived;
    private long bytesArrivedAtShutdown = Long.MAX_VALUE;
    private volatile Thread thread;

    /** Set once the connection's thread starts serving; read by the idle sweeper. */
    private volatile FrameDeadlineInputStream input;
    private volatile WriteProgressOutputStream output;
    private FrameReader reader;
    private FrameWriter writer;
    private boolean unflushed;
    private long bytesInCounted;
    private long bytesOutCounted;
    private long bytesDrained;

    ConnectionHandler(Socket socket, ServerConfig config, ServerCounters counters, ConnectionRegistry registry,
                      BufferBudget budget) {
        this.socket = socket;
        this.config = config;
        this.counters = counters;
        this.registry = registry;
        this.budget = budget;
        this.idleNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(TimeUnit.NANOSECONDS.convert(config.idleTimeout()), Long.MAX_VALUE / 4));
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
            log.debug("connection {}: closed after the drain: {}", id, e.getMessage());
        } catch (TruncatedFrameException e) {
            log.debug("connection {}: peer went away inside a frame: {}", id, e.getMessage());
        } catch (IOException e) {
            log.debug("connection {}: peer went away: {}", id, e.toString());
        } catch (RuntimeException e) {
            log.warn("connection {}: closed after an unexpected failure", id, e);
        } finally {
            lock.lock();
            try {
                phase = Phase.DONE;
            } finally {
                lock.unlock();
            }
            close();
            if (reader != null) {
                reader.release();
            }
            if (writer != null) {
                writer.release();
            }
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
        WriteProgressOutputStream out = new WriteProgressOutputStream(socket.getOutputStream());
        writer = framing.newWriter(out, budget);
        output = out;
        FrameDeadlineInputStream in = new FrameDeadlineInputStream(socket.getInputStream(), this);
        reader = framing.newReader(in, config.maxFrameBytes(), budget);
        input = in;
        long idleMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(idleNanos));
        while (awaitFrame()) {
            in.startFrame(idleMillis);
            int length;
            try {
                length = reader.nextFrame();
            } catch (FrameTooLargeException e) {
                counters.events.record(ServerEvents.Kind.FRAME_TOO_LARGE, id, socket.getRemoteSocketAddress(), e.getMessage());
                endWithError(ErrorResponse.Code.FRAME_TOO_LARGE, e.getMessage());
                return;
            } catch (MalformedFrameException e) {
                counters.events.record(ServerEvents.Kind.MALFORMED, id, socket.getRemoteSocketAddress(), e.getMessage());
                endWithError(ErrorResponse.Code.MALFORMED_MESSAGE, e.getMessage());
                return;
            } catch (BufferBudgetExceededException e) {
                counters.bufferBudgetRefusals.increment();
                counters.events.record(ServerEvents.Kind.OVER_BUDGET, id, socket.getRemoteSocketAddress(), e.getMessage());
                endWithError(ErrorResponse.Code.SERVER_BUSY, "server is out of buffer space: " + e.getMessage());
                return;
            } catch (SocketTimeoutException e) {
                if (closing()) {
                    throw e; // the drain's deadline: nothing more to wait for
                }
                // This thread found its own frame deadline passed (the sweeper had not got to it yet).
                counters.idleTimeouts.increment();
                counters.events.record(ServerEvents.Kind.IDLE_TIMEOUT, id, socket.getRemoteSocketAddress(), "no whole frame within " + Durations.format(config.idleTimeout()));
                endGracefully();
                return;
            }
            if (length < 0) {
                endAtPeerClose();
                return;
            }
            switch (beginAnswer(reader.bytesRead() - reader.bufferedBytes())) {
                case DRAIN -> {
                    drain();
                    return;
                }
                case REFUSE -> {
                    endWithError(ErrorResponse.Code.SHUTTING_DOWN, "server is shutting down");
                    return;
                }
                case ANSWER -> { }
            }
            long started = counters.requestStarted();
            ClientMessage request;
            try {
                request = reader.parseFrame(RequestHandler.requestParser());
            } catch (InvalidProtocolBufferException e) {
                String detail = "frame of " + length + " bytes is not a valid ClientMessage: " + e.getMessage();
                counters.events.record(ServerEvents.Kind.MALFORMED, id, socket.getRemoteSocketAddress(), detail);
                if (framing == Framing.RAW) {
                    // Without a length prefix, a frame that does not parse leaves no trustworthy boundary.
                    endWithError(ErrorResponse.Code.MALFORMED_MESSAGE, detail);
                    return;
                }
                answer(null, RequestHandler.error(ErrorResponse.Code.MALFORMED_MESSAGE, detail));
                continue;
            }
            answer(request.getMessageCase(), RequestHandler.handle(request), started);
        }
        endGracefully();
    }

    private void answer(ClientMessage.MessageCase requestCase, ServerMessage answer) throws IOException {
        answer(requestCase, answer, 0);
    }

    /** @param startedNanos when the request was read whole, from {@link ServerCounters#requestStarted()}; 0 = not timed */
    private void answer(ClientMessage.MessageCase requestCase, ServerMessage answer, long startedNanos) throws IOException {
        writer.write(answer);
        unflushed = true;
        counters.answered(requestCase, answer, startedNanos);
        if (reader.bufferedBytes() == 0) {
            flushAnswers();
        }
        countBytes();
    }

    /** Sends one last error answer, unless our side is shut already, then ends gracefully. */
    private void endWithError(ErrorResponse.Code code, String detail) throws IOException {
        if (closing()) {
            log.debug("connection {}: {} ({}) while closing, not answered", id, code, detail);
        } else {
            log.debug("connection {}: {} ({}), closing", id, code, detail);
            answer(null, RequestHandler.error(code, detail));
        }
        endGracefully();
    }

    /** Flushes every answer, shuts our side (FIN after the last answer), and drains the input. */
    private void endGracefully() throws IOException {
        flushAnswers();
        lock.lock();
        try {
            if (phase != Phase.CLOSING && phase != Phase.DONE) {
                beginClosingLocked(System.nanoTime());
            }
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** The peer closed its side at a frame boundary: it gets every answer, then our FIN. */
    private void endAtPeerClose() throws IOException {
        flushAnswers();
        if (!closing()) {
            log.debug("connection {}: closed by the peer", id);
        }
        shutdownOutputQuietly();
    }

    /**
     * Reads and drops input until the peer closes or the drain deadline passes (the sweeper then
     * ends the read, and only when nothing is left unread). What the reader had buffered is dropped
     * with the reader.
     */
    private void drain() throws IOException {
        reader.release(); // its buffer, and its share of the budget, are not needed any more
        long endNanos;
        lock.lock();
        try {
            endNanos = closingSinceNanos + DRAIN_MAX_NANOS;
        } finally {
            lock.unlock();
        }
        byte[] sink = new byte[4096];
        FrameDeadlineInputStream in = input;
        try {
            int n;
            // The time check stops a peer that keeps the input busy for ever; its read deadline cannot.
            while (System.nanoTime() - endNanos < 0 && (n = in.read(sink, 0, sink.length)) >= 0) {
                bytesDrained += n;
            }
        } finally {
            counters.bytesIn.add(bytesDrained);
            log.trace("connection {}: dropped {} bytes after closing our side", id, bytesDrained);
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
            } else if (phase == Phase.CLOSING) {
                // The peer is still sending: give it another quiet period, within the drain's bound.
                input.drainUntil(Math.min(System.nanoTime() + DRAIN_QUIET_NANOS, closingSinceNanos + DRAIN_MAX_NANOS));
            }
        } finally {
            lock.unlock();
        }
    }

    /** At a frame boundary: false if the connection should end (shutdown, and nothing of a next frame is here). */
    private boolean awaitFrame() {
        lock.lock();
        try {
            boolean partOfFrameBuffered = reader.bufferedBytes() > 0;
            if (phase == Phase.DONE || phase == Phase.CLOSING || (shuttingDown && !partOfFrameBuffered)) {
                return false;
            }
            phase = partOfFrameBuffered ? Phase.READING : Phase.WAITING;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A whole frame, ending at stream offset {@code frameEnd}, is here. It is answered, unless our
     * side is shut already (drain), or it was completed after shutdown began (SHUTTING_DOWN).
     */
    private Verdict beginAnswer(long frameEnd) {
        lock.lock();
        try {
            if (phase == Phase.CLOSING || phase == Phase.DONE) {
                return Verdict.DRAIN;
            }
            phase = Phase.ANSWERING;
            return shuttingDown && frameEnd > bytesArrivedAtShutdown ? Verdict.REFUSE : Verdict.ANSWER;
        } finally {
            lock.unlock();
        }
    }

    private boolean closing() {
        lock.lock();
        try {
            return phase == Phase.CLOSING || phase == Phase.DONE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts our side and starts the drain. Only where no answer is being written: by this thread,
     * or by another while this one is blocked in a read, which it enters only with every answer
     * flushed.
     */
    private void beginClosingLocked(long nowNanos) {
        phase = Phase.CLOSING;
        closingSinceNanos = nowNanos;
        input.drainUntil(nowNanos + DRAIN_QUIET_NANOS);
        shutdownOutputQuietly();
    }

    /**
     * Called by the idle sweeper. Closes the connection if a piece of an answer has waited for the
     * peer longer than the idle timeout. If the thread is blocked in a read past its frame's
     * deadline, with nothing that arrived waiting to be read, starts the graceful end (idle timeout);
     * past the drain's deadline, ends the read, and the thread closes the socket.
     */
    void checkDeadlines(long nowNanos) {
        WriteProgressOutputStream out = output;
        if (out != null && out.stalledLongerThan(nowNanos, idleNanos)) {
            closeStalledWriter();
            return;
        }
        FrameDeadlineInputStream in = input;
        if (in == null || !in.blockedPastDeadline(nowNanos)) {
            return;
        }
        lock.lock();
        try {
            if (phase == Phase.DONE || phase == Phase.ANSWERING || !in.blockedPastDeadline(nowNanos)
                    || socket.isClosed() || socket.isInputShutdown() || in.available() > 0) {
                return; // bytes waiting: the thread is about to run, and checks its deadline itself
            }
            if (phase == Phase.CLOSING) {
                in.expire();
                socket.shutdownInput(); // ends the read; nothing is unread, so the close sends no reset
                return;
            }
            counters.idleTimeouts.increment();
            counters.events.record(ServerEvents.Kind.IDLE_TIMEOUT, id, socket.getRemoteSocketAddress(), "no whole frame within " + Durations.format(config.idleTimeout()));
            beginClosingLocked(nowNanos);
        } catch (IOException e) {
            log.debug("connection {}: could not check for waiting input: {}", id, e.toString());
        } finally {
            lock.unlock();
        }
    }

    private void closeStalledWriter() {
        lock.lock();
        try {
            if (phase == Phase.DONE) {
                return;
            }
            phase = Phase.DONE;
        } finally {
            lock.unlock();
        }
        counters.writeTimeouts.increment();
        counters.events.record(ServerEvents.Kind.WRITE_TIMEOUT, id, socket.getRemoteSocketAddress(), "took no answer bytes for " + Durations.format(config.idleTimeout()));
        close();
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
            // Before the thread has its streams, it sees shuttingDown at its first frame boundary.
            if (phase == Phase.WAITING && input != null) {
                beginClosingLocked(System.nanoTime());
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

    private void shutdownOutputQuietly() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            log.debug("connection {}: shutting down output failed: {}", id, e.toString());
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
