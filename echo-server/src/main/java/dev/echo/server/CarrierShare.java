package dev.echo.server;

import java.util.concurrent.locks.LockSupport;

/**
 * One connection's share of its carrier thread: every {@code turn}th unit of work (a frame answered,
 * a TLS record read) it gives the carrier up for a moment, if it runs on a virtual thread. Virtual
 * threads are not preempted, and there is one carrier per core: a connection whose input never runs
 * dry never parks, so as many pipelining clients (or clients sending TLS 1.3 KeyUpdates without end)
 * as the machine has cores held every carrier, and every other connection and {@code /healthz} waited
 * seconds (an attacker's finding: 5 of 7 echoes past 3 s on 2 cores, against none with platform threads).
 *
 * <p>A turn given up costs a timed park and a context switch; once per {@value #FRAMES_PER_TURN} frames
 * it is a fraction of a percent of their work, and a connection that parks between requests gives up
 * a turn at the same rate. One per connection, used by its thread alone.
 */
final class CarrierShare {
    /**
     * Frames answered per turn: 0.6 ms of a core for a client pipelining 10-byte echoes (7 million a
     * second), several ms for real ones. Not fewer: a turn given up waits about 85 microseconds for the
     * timer (Linux's timer slack is 50), and at 256 frames a turn that pipelining client got a third
     * of its answers.
     */
    static final int FRAMES_PER_TURN = 4096;
    /**
     * TLS records read per turn: one per request for ordinary clients; a KeyUpdate costs the JDK about
     * 25 microseconds, so a turn of them is about 25 ms.
     */
    static final int RECORDS_PER_TURN = 1024;

    private final int turn;
    private int done;

    CarrierShare(int turn) {
        if (turn < 1) {
            throw new IllegalArgumentException("a turn of " + turn + " units: at least 1");
        }
        this.turn = turn;
    }

    /** One unit done; gives the carrier up if it was the turn's last. */
    void done() {
        if (++done >= turn) {
            done = 0;
            if (Thread.currentThread().isVirtual()) {
                // Not Thread.yield(): on JDK 25 the carrier took the yielder again at once, and a thread
                // started meanwhile did not run within 5 s (one carrier, a loop yielding every 1,000
                // turns). A timed park is woken from the timer thread, behind what is queued: 2.5 ms.
                LockSupport.parkNanos(1);
            }
        }
    }
}
