package dev.echo.client;

import dev.echo.core.ConnectFailures;
import dev.echo.core.HostPort;
import dev.echo.core.tls.ClientTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One resolved server address and its connection: opens it, and after it ends or fails to open,
 * opens it again on a virtual thread, waiting between failed attempts with exponential backoff and
 * jitter ({@link ClientConfig#reconnectDelay()} doubling up to {@link
 * ClientConfig#maxReconnectDelay()}). A connection that ended without answering anything counts as
 * a failure, so that a server which accepts and closes at once is not hammered. After the server
 * refused the client with a TLS alert, it is connected again only while calls ask: {@link
 * ReconnectOnDemand}.
 */
final class Address {
    private final Dispatcher dispatcher;
    final String host;
    final InetSocketAddress socketAddress;
    final String endpoint;

    private volatile Connection current;
    /** Why the last attempt failed, for messages; null while connected. */
    private volatile String trouble;
    /** Failures in a row; only the thread connecting touches it. */
    private volatile int failures;
    private boolean everConnected;
    private volatile Thread reconnecting;
    /** The last connection ended without answering anything: the next one starts on probation. */
    private volatile boolean lastAnsweredNothing;
    /** Attempts after the server refused the client, asked for by calls. */
    final ReconnectOnDemand onDemand;

    Address(Dispatcher dispatcher, String host, InetSocketAddress socketAddress) {
        this.dispatcher = dispatcher;
        this.host = host;
        this.socketAddress = socketAddress;
        this.endpoint = HostPort.of(socketAddress);
        this.onDemand = new ReconnectOnDemand(this, dispatcher);
    }

    /** The open connection that takes requests, or null. */
    Connection usableConnection() {
        Connection c = current;
        return c != null && c.takesRequests() ? c : null;
    }

    Connection current() {
        return current;
    }

    /** {@code 127.0.0.1:8080 (connection refused)}, {@code ... (connected)}. */
    String describe() {
        Connection c = current;
        String state = c != null ? (c.usable() ? "connected" : "closing") : trouble != null ? trouble : "connecting";
        return endpoint + " (" + state + ")";
    }

    /** What one attempt came to: each thread acts on its own attempt's, never on a flag another may clear. */
    private enum Outcome { CONNECTED, REFUSED, FAILED }

    /** One attempt, now; true if connected. Records why not. */
    boolean connectOnce() {
        return connect() == Outcome.CONNECTED;
    }

    private Outcome connect() {
        Socket socket = null;
        try {
            ClientTls.Connected connected = Connector.open(socketAddress, host, dispatcher.config);
            socket = connected.socket();
            Connection connection = new Connection(dispatcher, this, connected, lastAnsweredNothing);
            synchronized (this) {
                current = connection;
                if (everConnected) {
                    dispatcher.counters.reconnect();
                }
                everConnected = true;
            }
            trouble = null;
            onDemand.accepted(); // before the reader starts: a refusal it reads must stay recorded
            connection.start();
            if (dispatcher.stopped()) {
                connection.abandon("client closed");
                return Outcome.FAILED;
            }
            dispatcher.pumpWaiting();
            return Outcome.CONNECTED;
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            failures++;
            trouble = ConnectFailures.reason(e, dispatcher.config.connectTimeout());
            if (TlsRefusal.byServer(e)) { // TLS 1.2: the server refused us in the handshake
                onDemand.refused(backoffMillis(failures));
                return Outcome.REFUSED;
            }
            return Outcome.FAILED;
        }
    }

    /**
     * Called by the connection's reader when it ended.
     *
     * @param refusal why the server refused the client with a TLS alert, or sent data that is not TLS of
     *     the session, before answering anything, or
     *     null: then the address is connected again only when calls ask ({@link ReconnectOnDemand})
     */
    void ended(Connection connection, boolean answeredAny, String refusal) {
        synchronized (this) {
            if (current != connection) {
                return;
            }
            current = null;
        }
        if (answeredAny) {
            failures = 0;
        } else {
            failures++;
        }
        lastAnsweredNothing = !answeredAny;
        if (refusal != null) {
            trouble = refusal;
            onDemand.refused(backoffMillis(failures));
            return;
        }
        reconnectInBackground();
    }

    /**
     * Starts {@code attempt}, the first connect's try at this address, on a virtual thread that {@link
     * #stop} interrupts as it does the reconnect loop's: with no connect timeout, an address that takes
     * the TCP connection but never answers the TLS handshake held it after {@code close()} for ever.
     */
    void firstAttempt(Runnable attempt) {
        Thread thread = Thread.ofVirtual().name("echo-client-connect " + endpoint).unstarted(attempt);
        reconnecting = thread;
        thread.start();
    }

    /**
     * Starts the reconnect loop unless the client is stopping or the server refused the client (then
     * calls ask for attempts: {@link ReconnectOnDemand}).
     */
    void reconnectInBackground() {
        if (dispatcher.stopped() || onDemand.refused()) {
            return;
        }
        reconnecting = Thread.ofVirtual().name("echo-client-connect " + endpoint).start(this::reconnectLoop);
    }

    /**
     * Runs {@code attempt} on a virtual thread that {@link #stop} interrupts; nothing once the client
     * stopped. For the attempts {@link ReconnectOnDemand} makes: started by the timer, which must not wait.
     */
    void inBackground(Runnable attempt) {
        if (dispatcher.stopped()) {
            return;
        }
        Thread thread = Thread.ofVirtual().name("echo-client-connect " + endpoint).unstarted(attempt);
        reconnecting = thread;
        thread.start();
        if (dispatcher.stopped()) {
            thread.interrupt(); // close() may have read reconnecting just before it was this thread
        }
    }

    /**
     * One attempt after a refusal, asked for by a call. Refused again, it stops there; failing otherwise
     * (no connection, a timeout), the address reconnects in the background as after any such failure.
     */
    void connectAfterRefusal() {
        if (!dispatcher.stopped() && connect() == Outcome.FAILED) {
            onDemand.failedOtherwise();
            reconnectLoop();
        }
    }

    private void reconnectLoop() {
        while (!dispatcher.stopped()) {
            if (failures > 0) {
                try {
                    Thread.sleep(backoffMillis(failures));
                } catch (InterruptedException e) {
                    return; // the client is closing
                }
                if (dispatcher.stopped()) {
                    return;
                }
            }
            // Refused by the server (TLS 1.2: in the handshake), the loop ends: calls ask for attempts.
            if (connect() != Outcome.FAILED) {
                return;
            }
        }
    }

    /** Equal jitter: half the exponential delay, plus a random part of the other half. */
    private long backoffMillis(int failures) {
        // Saturated, as the request deadline: an absurd delay means waiting, not an overflow.
        long base = TimeUnit.MILLISECONDS.convert(dispatcher.config.reconnectDelay());
        long max = TimeUnit.MILLISECONDS.convert(dispatcher.config.maxReconnectDelay());
        int doublings = Math.min(failures - 1, 20);
        long delay = base > max >> doublings ? max : base << doublings;
        delay = Math.max(1, delay);
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    /** Stops reconnecting (a loop, or an attempt a call asked for) and closes the connection. */
    void stop() {
        Thread t = reconnecting;
        if (t != null) {
            t.interrupt();
        }
        Connection c = current;
        if (c != null) {
            c.abandon(endpoint + ": client closed");
        }
    }
}
