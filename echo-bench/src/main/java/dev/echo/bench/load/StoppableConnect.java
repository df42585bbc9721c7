package dev.echo.bench.load;

import java.io.IOException;

/**
 * A connect (TCP, and the TLS handshake) that a stop can cut short. A stop waited for the connect
 * timeout while a server took the connection and never answered the handshake, or its backlog was
 * full (a helper's finding): closing a driver did nothing before it had its connection. {@link
 * #abandon} interrupts the thread inside the connect: a virtual thread's blocked socket connect or
 * read then closes its socket and throws, and {@code EchoClient.connect} stops its attempts.
 */
final class StoppableConnect {
    /** What is opened: an {@code EchoConnection}, an {@code EchoClient}. */
    interface Opening<T> {
        T open() throws IOException;
    }

    /** Guarded by this: the thread inside {@link #open}, or null. */
    private Thread inside;
    private boolean abandoned;
    private boolean interrupted;

    /**
     * Runs {@code opening} on this thread; if {@link #abandon} interrupts it, the interrupt is
     * cleared before this returns or throws, so that it cannot fail a later read. Abandoned before it
     * began, it does not connect at all.
     *
     * @throws IOException what {@code opening} throws, or that the connect was abandoned ({@link #abandoned()})
     */
    <T> T open(Opening<T> opening) throws IOException {
        synchronized (this) {
            if (abandoned) {
                throw new IOException("connect abandoned at the stop");
            }
            inside = Thread.currentThread();
        }
        try {
            return opening.open();
        } finally {
            synchronized (this) {
                inside = null;
                if (interrupted) {
                    interrupted = false;
                    Thread.interrupted();
                }
            }
        }
    }

    /** Ends the connect under way (and any later one) at once. Any thread may call it. */
    synchronized void abandon() {
        abandoned = true;
        if (inside != null && !interrupted) {
            interrupted = true;
            inside.interrupt();
        }
    }

    /** True once {@link #abandon} was called: a connect that failed since failed because of it. */
    synchronized boolean abandoned() {
        return abandoned;
    }
}
