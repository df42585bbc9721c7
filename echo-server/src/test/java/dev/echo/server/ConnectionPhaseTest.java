package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a connection's phase tells its thread when a read ends: whether the end was the server's
 * own doing (then "closed by the peer" and "peer went away" would be false), and what to do with a
 * frame that completes after shutdown began.
 */
class ConnectionPhaseTest {
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static ConnectionPhase waitingPhase() {
        ConnectionPhase phase = new ConnectionPhase(IDLE_NANOS, System.nanoTime());
        phase.streamsReady();
        assertTrue(phase.awaitFrame(false), "expected a fresh connection to wait for a frame");
        return phase;
    }

    @Test
    void aReadEndingWhileWaitingIsThePeersDoing() {
        ConnectionPhase phase = waitingPhase();
        assertFalse(phase.closing(), "expected an end of stream now to be the peer's close");
        assertFalse(phase.closedByServer(), "expected a failed read now to be the peer's doing");
    }

    @Test
    void aReadEndedAfterShutdownBeganIsNotThePeersClose() {
        ConnectionPhase phase = waitingPhase();
        assertEquals(ConnectionPhase.Action.SHUT_OUTPUT, phase.stopIfWaiting(), "expected shutdown to ask for our FIN");
        assertTrue(phase.closing(), "expected shutdown to have shut our side, so an end of stream answers our FIN");
        assertFalse(phase.awaitFrame(false), "expected no further frame after shutdown");
    }

    @Test
    void aReadEndedByTheGracePeriodIsTheServersDoing() {
        ConnectionPhase phase = waitingPhase();
        phase.bytesArrived(3);
        assertTrue(phase.readingFrame(), "expected the connection inside a frame");
        assertTrue(phase.endByServer(), "expected the server to end a connection that is inside a frame");
        assertTrue(phase.closedByServer(), "expected a failed read now to be the server's doing, not the peer's");
        assertFalse(phase.endByServer(), "expected a second end to find the connection ended");
    }

    @Test
    void aFrameCompletedAfterShutdownIsRefusedAndOneCompleteBeforeIsAnswered() {
        ConnectionPhase phase = waitingPhase();
        phase.bytesArrived(10);
        phase.stopIfWaiting();
        assertEquals(ConnectionPhase.Verdict.ANSWER, phase.beginAnswer(10), "expected a frame whose bytes had all arrived answered");
        assertTrue(phase.awaitFrame(true), "expected the rest of a buffered frame still read");
        phase.bytesArrived(5);
        assertEquals(ConnectionPhase.Verdict.REFUSE, phase.beginAnswer(15), "expected a frame completed after shutdown refused");
    }

    @Test
    void aHandshakeIsClosedAtShutdownAndPastItsDeadline() {
        ConnectionPhase atShutdown = new ConnectionPhase(IDLE_NANOS, System.nanoTime());
        atShutdown.beginHandshake(IDLE_NANOS);
        assertEquals(ConnectionPhase.Action.CLOSE, atShutdown.stopIfWaiting(), "expected shutdown to close a handshake");
        assertTrue(atShutdown.closedByServer(), "expected the handshake's end to be the server's doing");

        ConnectionPhase late = new ConnectionPhase(IDLE_NANOS, System.nanoTime());
        long deadline = late.beginHandshake(TimeUnit.MILLISECONDS.toNanos(5));
        late.deadlines().blockedUntil(deadline);
        assertEquals(ConnectionPhase.Overdue.NONE, late.expireIfBlocked(deadline - 1, false),
                "expected nothing before the handshake's deadline");
        assertEquals(ConnectionPhase.Overdue.HANDSHAKE, late.expireIfBlocked(deadline + 1, true),
                "expected a handshake past its deadline closed, even with bytes waiting (a trickle)");
        assertTrue(late.deadlines().expired(), "expected the handshake's end to read as a timeout");
    }

    /**
     * Shutdown during the flush before a read leaves our side to the thread: the stopping thread's FIN
     * under that write cut an answer in two (a busy run of ShutdownSlowReadersIT: slow readers got part
     * of a frame, then the end of the stream). The thread shuts it once the flush is over.
     */
    @Test
    void shutdownDuringTheFlushAtAFrameBoundaryShutsOurSideAfterTheFlush() {
        ConnectionPhase phase = waitingPhase();
        phase.beginFlush();
        assertEquals(ConnectionPhase.Action.NONE, phase.stopIfWaiting(), "expected no FIN under the flush's write");
        assertFalse(phase.closing());
        assertTrue(phase.endFlush(), "expected the thread told to shut its side after the flush");
        assertTrue(phase.closing());
        assertFalse(phase.awaitFrame(false), "expected no further frame after shutdown");

        ConnectionPhase quiet = waitingPhase();
        quiet.beginFlush();
        assertFalse(quiet.endFlush(), "expected nothing to do after a flush without shutdown");
        assertEquals(ConnectionPhase.Action.SHUT_OUTPUT, quiet.stopIfWaiting(), "expected a later shutdown to shut as before");
    }

    /**
     * After our FIN a peer that sends nothing is closed after the quiet second; one that still sends is
     * mid pipeline, with answers it may not have read, and a close before its own FIN would have its next
     * write reset them (ShutdownPausedWriterTest): its drain lasts until the bound.
     */
    @Test
    void aPeerSendingAfterOurFinIsDrainedUntilTheBoundNotAQuietSecond() {
        ConnectionPhase silent = waitingPhase();
        long before = System.nanoTime();
        assertTrue(silent.beginClosing(), "expected our FIN asked for");
        long quietEnd = silent.deadlines().readDeadlineNanos();
        assertTrue(quietEnd - before >= ConnectionPhase.DRAIN_QUIET_NANOS
                        && quietEnd - silent.drainEndNanos() < 0,
                "expected a silent peer's drain to end a quiet second after our FIN, before the bound");

        ConnectionPhase sending = waitingPhase();
        assertTrue(sending.beginClosing(), "expected our FIN asked for");
        sending.bytesArrived(10 * 1024);
        assertEquals(sending.drainEndNanos(), sending.deadlines().readDeadlineNanos(),
                "expected a peer that sends after our FIN drained until the bound (or its FIN)");
    }

    /** Input waiting at every check spares a blocked read for one idle timeout past its deadline, not for ever. */
    @Test
    void inputWaitingSparesAnOverdueReadForOneIdleTimeoutAtMost() {
        ConnectionPhase phase = waitingPhase();
        long deadline = phase.deadlines().readDeadlineNanos();
        phase.deadlines().blockedUntil(deadline);
        assertEquals(ConnectionPhase.Overdue.NONE, phase.expireIfBlocked(deadline + IDLE_NANOS, true));
        assertEquals(ConnectionPhase.Overdue.IDLE, phase.expireIfBlocked(deadline + IDLE_NANOS + 1, true),
                "expected bytes that never make a frame (TLS KeyUpdates) to spare it no longer");
    }

    @Test
    void anIdleReadPastItsDeadlineStartsClosingUnlessInputWaits() {
        ConnectionPhase phase = waitingPhase();
        long deadline = phase.deadlines().readDeadlineNanos();
        phase.deadlines().blockedUntil(deadline);
        assertEquals(ConnectionPhase.Overdue.NONE, phase.expireIfBlocked(deadline + 1, true),
                "expected a read with input waiting left to its thread");
        assertEquals(ConnectionPhase.Overdue.IDLE, phase.expireIfBlocked(deadline + 1, false),
                "expected an idle read past its deadline to start closing");
        assertTrue(phase.closing());
        assertFalse(phase.beginClosing(), "expected a second FIN not asked for");
    }

    /**
     * The first wait's deadline counts from the accept, not from when a thread takes the connection
     * (a platform pool's queue); later ones from when they begin. On a phase accepted in the past,
     * without waiting for it.
     */
    @Test
    void theFirstDeadlineCountsFromTheAcceptAndLaterOnesFromNow() {
        long now = System.nanoTime();
        ConnectionPhase queued = new ConnectionPhase(IDLE_NANOS, now - 2 * IDLE_NANOS);
        assertTrue(queued.firstFrameOverdue(now), "expected a connection queued two idle timeouts overdue");
        ConnectionPhase fresh = new ConnectionPhase(IDLE_NANOS, now);
        assertFalse(fresh.firstFrameOverdue(now + IDLE_NANOS - 1), "expected nothing overdue before the deadline");
        assertTrue(fresh.firstFrameOverdue(now + IDLE_NANOS), "expected the first frame overdue at the deadline");

        long accepted = now - TimeUnit.SECONDS.toNanos(3);
        ConnectionPhase handshaking = new ConnectionPhase(IDLE_NANOS, accepted);
        long timeout = TimeUnit.SECONDS.toNanos(10);
        assertEquals(accepted + timeout, handshaking.beginHandshake(timeout), "expected the handshake's deadline from the accept");
        assertFalse(handshaking.firstFrameOverdue(now + IDLE_NANOS * 4), "expected no first-frame check once a wait began");
        long again = handshaking.beginHandshake(timeout);
        assertTrue(again - (System.nanoTime() + timeout) <= 0 && again - (now + timeout) >= 0,
                "expected a second wait (a late client's fresh handshake deadline) counted from when it began, got " + (again - accepted) + " ns after the accept");
    }
}
