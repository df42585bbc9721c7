package dev.echo.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.BufferBudget;
import dev.echo.core.CanonicalEcho;
import dev.echo.core.FrameException;
import dev.echo.core.FrameFailure;
import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Messages;
import dev.echo.core.Refusal;
import dev.echo.core.RequestHandler;
import dev.echo.core.RequestKind;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's conversation: read a frame, answer it, repeat, and end it the way the protocol
 * and the {@link ConnectionPhase} say. Answers are flushed when no pipelined request is waiting in
 * the reader, and always before a read that may block (under TLS, where the TLS layer is about to
 * read its next record or the socket), so a client never waits for an answer that sits in a buffer.
 * A failure gets the answer {@link FrameFailure} prescribes; every end that is not the peer's goes
 * through its {@link ConnectionTransport}'s graceful end.
 */
final class RequestLoop {
    private static final Logger log = LoggerFactory.getLogger(RequestLoop.class);

    private final long id;
    private final ServerConfig config;
    private final ServerCounters counters;
    private final ConnectionPhase phase;
    private final ConnectionTransport transport;
    private final FrameDeadlineInputStream input;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final TrafficCount traffic;
    private final CarrierShare share = new CarrierShare(CarrierShare.FRAMES_PER_TURN);
    /** True if the transport flushes when a read is about to wait (TLS), else it is done before every read. */
    private final boolean flushedBeforeWaiting;
    private boolean unflushed;

    RequestLoop(long id, ServerConfig config, ServerCounters counters, ConnectionPhase phase,
                ConnectionTransport transport, OutputStream out, BufferBudget budget) throws IOException {
        this.id = id;
        this.config = config;
        this.counters = counters;
        this.phase = phase;
        this.transport = transport;
        this.writer = config.framing().newWriter(out, budget);
        this.flushedBeforeWaiting = transport.flushBeforeWaiting(this::flushBeforeWaiting);
        this.input = new FrameDeadlineInputStream(transport.input(), phase,
                flushedBeforeWaiting ? () -> { } : this::flushAtBoundary);
        this.reader = config.framing().newReader(input, config.maxFrameBytes(), budget);
        this.traffic = new TrafficCount(counters);
    }

    /**
     * Serves frames until the connection ends; returns with our side shut and the input drained, or
     * at once if the connection waited for a thread past its first deadline and sent nothing.
     */
    void run() throws IOException {
        if (phase.firstFrameOverdue(System.nanoTime()) && !transport.inputWaiting()) {
            // It waited for a thread (a platform pool's queue) past its first deadline and has sent
            // nothing: closed now, with nothing to keep, not after a FIN and a drain that would hold
            // this thread for a second or more per silent client. One that has gone timed nothing out.
            if (!transport.peerLeftWhileQueued()) {
                counters.idleTimeout(id, transport.peer(), config.idleTimeout());
            }
            return;
        }
        while (phase.awaitFrame(reader.bufferedBytes() > 0)) {
            int length;
            try {
                length = reader.nextFrame();
            } catch (FrameException e) {
                endAfter(e);
                return;
            } catch (SocketTimeoutException e) {
                if (phase.closing()) {
                    throw e; // the drain's deadline: nothing more to wait for
                }
                // This thread found its own frame deadline passed (the sweeper had not got to it yet).
                counters.idleTimeout(id, transport.peer(), config.idleTimeout());
                endGracefully();
                return;
            }
            if (length < 0) {
                endAtPeerClose();
                return;
            }
            switch (phase.beginAnswer(reader.bytesRead() - reader.bufferedBytes())) {
                case DRAIN -> {
                    drain();
                    return;
                }
                case REFUSE -> {
                    endWith(Refusal.shuttingDown());
                    return;
                }
                case ANSWER -> { }
            }
            if (!answerFrame(length)) {
                return;
            }
            share.done(); // a client whose frames never run dry yields the carrier now and then
        }
        endGracefully();
    }

    /** Answers the whole frame of {@code length} bytes just read; false if the connection ended. */
    private boolean answerFrame(int length) throws IOException {
        long started = counters.requestStarted();
        if (reader.testFrame(CanonicalEcho::isOwnAnswer)) {
            reader.copyFrameTo(writer); // the answer is the request's own bytes: nothing to parse or build
            counters.answered(RequestKind.ECHO, started);
            written();
            return true;
        }
        ClientMessage request;
        try {
            request = reader.parseFrame(RequestHandler.requestParser());
        } catch (InvalidProtocolBufferException e) {
            FrameFailure failure = FrameFailure.unparsable(config.framing());
            String detail = "frame of " + length + " bytes is not a valid ClientMessage: " + Messages.unparsable(e);
            counters.frameFailed(failure, id, transport.peer(), detail);
            if (failure.closesConnection()) {
                endWith(failure.answer(detail));
                return false;
            }
            answer(null, failure.answer(detail), 0);
            return true;
        }
        answer(RequestKind.of(request), RequestHandler.handle(request), started);
        return true;
    }

    /** A framing failure: every one ends the connection, with the answer the protocol gives it, if any. */
    private void endAfter(FrameException e) throws IOException {
        FrameFailure failure = FrameFailure.of(e);
        if (!failure.answered()) {
            throw e; // the peer went away inside a frame: nobody to answer
        }
        String detail = e.getMessage();
        counters.frameFailed(failure, id, transport.peer(), detail);
        if (failure == FrameFailure.OVER_BUDGET) {
            detail = "server is out of buffer space: " + detail;
        }
        endWith(failure.answer(detail));
    }

    /**
     * @param request the kind of request answered; null for a frame that was not parsed into one
     * @param startedNanos when the request was read whole ({@link ServerCounters#requestStarted()}); 0: not timed
     */
    private void answer(RequestKind request, ServerMessage answer, long startedNanos) throws IOException {
        writer.write(answer);
        counters.answered(request, answer, startedNanos);
        written();
    }

    /**
     * An answer was written: it leaves now unless another request is already here to be answered with
     * it (in the reader's buffer, or, under TLS, in the record being read: the transport flushes
     * before the next record is read).
     */
    private void written() throws IOException {
        unflushed = true;
        if (!flushedBeforeWaiting && reader.bufferedBytes() == 0) {
            flushAnswers(); // counts the bytes
        } else {
            countBytes();
        }
    }

    /** Called by the transport inside a read of the input, before its next record or a wait for the network. */
    private void flushBeforeWaiting() throws IOException {
        if (unflushed) {
            input.unblockedDuring(this::flushAtBoundary);
        }
    }

    /** Sends one last error answer, unless our side is shut already, then ends gracefully. */
    private void endWith(ServerMessage error) throws IOException {
        if (phase.closing()) {
            log.debug("connection {}: {} while closing, not answered", id, Messages.describe(error));
        } else {
            log.debug("connection {}: {}, closing", id, Messages.describe(error));
            answer(null, error, 0);
        }
        endGracefully();
    }

    /** Flushes every answer, shuts our side (FIN after the last answer), and drains the input. */
    private void endGracefully() throws IOException {
        flushAnswers();
        if (phase.beginClosing()) {
            transport.shutOutput();
        }
        drain();
    }

    /** The peer closed its side at a frame boundary: it gets every answer, then our FIN. */
    private void endAtPeerClose() throws IOException {
        flushAnswers();
        if (!phase.closing()) { // else our own FIN (shutdown, idle timeout) is what the peer answered
            log.debug("connection {}: closed by the peer", id);
        }
        transport.shutOutput();
    }

    /** Drops input until the peer closes or the drain ends; what the reader had buffered is dropped with it. */
    private void drain() throws IOException {
        reader.release(); // its buffer, and its share of the budget, are not needed any more
        // Through a deadline of its own: under TLS the drain reads TCP, not the records' contents.
        long dropped = transport.drain(new FrameDeadlineInputStream(transport.drainInput(), phase, () -> { }),
                phase.drainEndNanos(), Long.MAX_VALUE);
        counters.bytesIn(dropped);
    }

    /**
     * Flushes the answers before a read that may wait, with shutdown kept off our side meanwhile (it
     * would cut the answer being written); shuts our side after, if shutdown came meanwhile.
     */
    private void flushAtBoundary() throws IOException {
        if (!unflushed) {
            return;
        }
        phase.beginFlush();
        boolean shutNow;
        try {
            flushAnswers();
        } finally {
            shutNow = phase.endFlush();
        }
        if (shutNow) {
            transport.shutOutput();
        }
    }

    private void flushAnswers() throws IOException {
        if (unflushed) {
            writer.flush();
            unflushed = false;
            // Counted as they leave: under TLS the flush comes after written() counted, and the last
            // answers of a connection that went quiet were missing from bytesOut until it closed.
            countBytes();
        }
    }

    /** Adds the bytes moved since the last count to the server's counters. */
    void countBytes() {
        traffic.update(reader, writer);
    }

    /** Gives the reader's and writer's buffers back to the budget. */
    void release() {
        reader.release();
        writer.release();
    }
}
