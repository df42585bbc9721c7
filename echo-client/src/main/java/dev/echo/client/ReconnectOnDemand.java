package dev.echo.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects an {@link Address} that its server refused with a TLS alert again only while the client is
 * used. It reconnected in the background like any other, a full handshake refused every
 * maxReconnectDelay for as long as the client lived: an idle client cost its server a refused handshake
 * every 2 s for ever. Now each call made (or waiting for a connection) while the address is refused
 * asks for one attempt, made on a virtual thread no earlier than the backoff after the last refusal,
 * one at a time: a client calling in a loop makes one attempt per backoff as before, an idle one none,
 * and a refused address among several rejoins once its server accepts the client.
 */
final class ReconnectOnDemand {
    private final Address address;
    private final Dispatcher dispatcher;
    /** The server's last word was a refusal: no background reconnects. Cleared by a connection or another failure. */
    private volatile boolean refused;
    /** No attempt before this {@link System#nanoTime()}: the backoff after the last refusal. */
    private volatile long notBeforeNanos;
    /** An attempt is scheduled or under way: calls ask for no other. */
    private final AtomicBoolean pending = new AtomicBoolean();

    ReconnectOnDemand(Address address, Dispatcher dispatcher) {
        this.address = address;
        this.dispatcher = dispatcher;
    }

    boolean refused() {
        return refused;
    }

    /**
     * The server refused the client: no attempt until a call asks, and none before {@code backoffMillis}
     * from now. Calls waiting already ask at once (the refusal may have come after they looked).
     */
    void refused(long backoffMillis) {
        notBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        refused = true;
        if (dispatcher.callsWaiting()) {
            wanted();
        }
    }

    /** A connection opened: the address is usable again, and a later refusal starts over. */
    void accepted() {
        refused = false;
    }

    /** An attempt failed for another reason (no connection, a timeout): background reconnects take over. */
    void failedOtherwise() {
        refused = false;
    }

    /**
     * A call was made or waits for a connection: if the address is refused and no attempt is pending,
     * one is made at the backoff's end, on a thread of its own (the timer only starts it). Returns at
     * once: the caller never connects, nor waits for the attempt.
     */
    void wanted() {
        if (!refused || dispatcher.stopped() || !pending.compareAndSet(false, true)) {
            return;
        }
        long delayNanos = notBeforeNanos - System.nanoTime();
        if (delayNanos <= 0) {
            address.inBackground(this::attempt);
        } else {
            // Rounded up: never before the backoff's end.
            dispatcher.later((delayNanos + 999_999) / 1_000_000, () -> address.inBackground(this::attempt));
        }
    }

    private void attempt() {
        try {
            // The flag stays set while the attempt runs (no background loop starts meanwhile); only the
            // attempt's own outcome clears it: a connection, or another failure.
            address.connectAfterRefusal();
        } finally {
            pending.set(false);
        }
        // A refusal made while this attempt was pending asked for nothing: the calls still waiting ask now.
        if (refused && dispatcher.callsWaiting()) {
            wanted();
        }
    }
}
