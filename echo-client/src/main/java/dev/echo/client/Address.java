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
 * a failure, so that a server which accepts and closes at once is not hammered.
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

    Address(Dispatcher dispatcher, String host, InetSocketAddress socketAddress) {
        this.dispatcher = dispatcher;
        this.host = host;
        this.socketAddress = socketAddress;
        this.endpoint = HostPort.of(socketAddress);
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

    /** One attempt, now; true if connected. Records why not. */
    boolean connectOnce() {
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
            connection.start();
            if (dispatcher.stopped()) {
                connection.abandon("client closed");
                return false;
            }
            dispatcher.pumpWaiting();
            return true;
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
            return false;
        }
    }

    /** Called by the connection's reader when it ended. */
    void ended(Connection connection, boolean answeredAny) {
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

    /** Starts the reconnect loop unless the client is stopping. */
    void reconnectInBackground() {
        if (dispatcher.stopped()) {
            return;
        }
        reconnecting = Thread.ofVirtual().name("echo-client-connect " + endpoint).start(this::reconnectLoop);
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
            if (connectOnce()) {
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

    /** Stops reconnecting and closes the connection. */
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
