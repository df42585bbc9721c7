package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.BulkReadInputStream;
import dev.echo.core.Durations;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for every connection: holds the material new handshakes use (swapped by the {@link
 * TlsMaterialWatcher} when the files change) and takes each TLS connection's record buffers from
 * the server's buffer budget.
 *
 * <p>A client over the connection limit cannot be answered on the accept thread, since writing to it
 * starts a handshake. Up to {@link #MAX_REFUSALS} such clients at once are answered SERVER_BUSY on
 * threads of their own, each within {@link #REFUSAL_TIMEOUT} of its accept: its reads wait only for
 * what is left of that, and the idle sweeper closes a refusal still going at its deadline ({@link
 * #sweep}), a write the client does not read included. Past that many they are closed unanswered.
 */
final class TlsTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(TlsTransport.class);
    /**
     * Taken from the buffer budget for each TLS connection: the JDK's record buffers, one of up to
     * 16 KiB and some each way, and the read-ahead of {@link RecordHeaderCheckingInputStream}.
     */
    static final int RECORD_BUFFER_BYTES = 2 * (16 * 1024 + 512) + RecordHeaderCheckingInputStream.BUFFER_BYTES;
    static final int MAX_REFUSALS = 32;
    static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(2);
    /** How long {@link #stop} waits for the TLS threads in all. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** What a client that does not speak TLS to a TLS port is told, in clear text and in its framing. */
    static final String NOT_TLS_DETAIL = "this port speaks TLS: connect with TLS (the tools' --tls)";

    private final ServerTls tls;
    private final BufferBudget budget;
    private final TlsCounters counters;
    private final Clock clock;
    private final byte[] notTlsAnswer;
    private final Runnable notTlsAnswerSent;
    private final Semaphore refusals = new Semaphore(MAX_REFUSALS);
    private final Map<Socket, Refusal> refusing = new ConcurrentHashMap<>();
    /** Threads sending a close_notify for another thread ({@link #sendCloseNotify}); {@link #stop} waits for them. */
    private final Set<Thread> closeNotifiers = ConcurrentHashMap.newKeySet();
    private volatile int port;
    private volatile TlsMaterial material;
    private TlsMaterialWatcher watcher;

    /**
     * @param notTlsAnswer {@link #NOT_TLS_DETAIL} as an error frame in the server's framing
     * @param notTlsAnswerSent run each time that answer has been written to a client
     */
    TlsTransport(ServerTls tls, TlsMaterial material, BufferBudget budget, TlsCounters counters, byte[] notTlsAnswer,
                 Runnable notTlsAnswerSent, Clock clock) {
        this.tls = tls;
        this.budget = budget;
        this.counters = counters;
        this.notTlsAnswer = notTlsAnswer.clone();
        this.notTlsAnswerSent = notTlsAnswerSent;
        this.clock = clock;
        use(material);
    }

    @Override
    public ConnectionTransport open(Socket socket, long id) {
        if (!budget.tryReserveConnection(RECORD_BUFFER_BYTES)) {
            return null;
        }
        return new TlsConnection(socket, id, this);
    }

    /** A TLS connection closed: its record buffers go back to the budget. */
    void released() {
        budget.releaseConnection(RECORD_BUFFER_BYTES);
    }

    /** Where the TLS connections count their handshakes and bad records. */
    TlsCounters counters() {
        return counters;
    }

    /** The answer, in clear text, to a client that does not speak TLS. */
    byte[] notTlsAnswer() {
        return notTlsAnswer;
    }

    /** The answer of {@link #notTlsAnswer()} was written to a client: counted as an error answer sent. */
    void notTlsAnswerSent() {
        notTlsAnswerSent.run();
    }

    /** How long a handshake may take. */
    Duration handshakeTimeout() {
        return tls.handshakeTimeout();
    }

    /** What new handshakes use. */
    TlsMaterial material() {
        return material;
    }

    /** New handshakes use {@code next} from now on; connections open already keep theirs. */
    void use(TlsMaterial next) {
        material = next;
        counters.serving(next.notAfter());
    }

    @Override
    public void refuse(Socket socket, byte[] answer, Runnable sent) {
        if (!refusals.tryAcquire()) {
            counters.refusedUnanswered();
            closeQuietly(socket);
            return;
        }
        long deadline = System.nanoTime() + REFUSAL_TIMEOUT.toNanos();
        try {
            Thread thread = Thread.ofVirtual().name("echo-tls-refuse-" + port).unstarted(() -> {
                boolean answered = false;
                try {
                    answered = answerAndClose(socket, answer, deadline, sent);
                } finally { // a RuntimeException of the JDK's TLS included
                    if (!answered) {
                        counters.refusedUnanswered();
                    }
                    refusing.remove(socket);
                    refusals.release();
                }
            });
            refusing.put(socket, new Refusal(thread, deadline));
            thread.start();
        } catch (RuntimeException e) {
            refusing.remove(socket);
            refusals.release();
            counters.refusedUnanswered();
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * Closes every refusal still going at its deadline: a read would have ended by itself by then, but
     * a write of the handshake's flight, the answer or close_notify blocks for as long as the client
     * leaves them unread once they outgrow the socket's send buffer.
     */
    @Override
    public void sweep(long nowNanos) {
        refusing.forEach((socket, refusal) -> {
            if (nowNanos - refusal.deadline() >= 0) {
                closeQuietly(socket);
            }
        });
    }

    /**
     * On a refusal's own thread: a handshake, the answer, close_notify and a short drain, all within
     * the timeout: every read, the handshake's included, waits only for what is left of it, so a
     * client that trickles its ClientHello holds its refusal's slot no longer than one that sends
     * nothing. Runs {@code sent} once the answer is written, before close_notify; returns whether it was.
     */
    private boolean answerAndClose(Socket socket, byte[] answer, long deadline, Runnable sent) {
        boolean written = false;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new RemainingTimeInputStream(socket, deadline);
            byte[] start = RecordHeaderCheckingInputStream.readStart(in);
            if (start.length == 0) {
                return false;
            }
            OutputStream out;
            SSLSocket layered = null;
            if (RecordHeaderCheckingInputStream.canStartHandshake(start, start.length)) {
                layered = material.layer(socket, new RecordHeaderCheckingInputStream(start, in));
                layered.startHandshake();
                out = layered.getOutputStream();
            } else {
                out = socket.getOutputStream(); // a plain client: it can read a plain answer
            }
            out.write(answer);
            out.flush();
            written = true;
            sent.run();
            if (layered != null) {
                layered.shutdownOutput();
            } else {
                socket.shutdownOutput();
            }
            // Dropped: closing with unread input would reset the connection over the answer. Bounded by bytes
            // as a failed handshake's drain is: a peer that floods it is no client waiting for SERVER_BUSY.
            ConnectionTransport.dropInput(in, deadline, ConnectionHandler.MAX_DRAIN_BYTES_AFTER_ALERT);
        } catch (IOException e) {
            log.debug("refused TLS client: {}", e.toString());
        }
        return written;
    }

    /**
     * Runs {@code closeNotify} for connection {@code id} on a virtual thread of its own
     * ({@code echo-tls-shut-PORT-ID}), which {@link #stop} waits for with the others.
     */
    void sendCloseNotify(long id, Runnable closeNotify) {
        Thread thread = Thread.ofVirtual().name("echo-tls-shut-" + port + "-" + id).unstarted(() -> {
            try {
                closeNotify.run();
            } finally {
                closeNotifiers.remove(Thread.currentThread());
            }
        });
        closeNotifiers.add(thread);
        thread.start();
    }

    @Override
    public void start(int port) {
        this.port = port;
        watcher = new TlsMaterialWatcher(tls, this, counters::reloaded, TlsMaterialWatcher.LOG_WARNINGS, clock, port);
        watcher.start();
    }

    /**
     * Ends the watcher, the refusals in progress (their sockets closed) and the close_notify threads,
     * and returns once their threads have ended, or after {@link #STOP_WAIT} saying which are left.
     * Called after the accept loop and every connection have ended, so none starts meanwhile.
     */
    @Override
    public void stop() throws InterruptedException {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        if (watcher != null) {
            watcher.stop(STOP_WAIT);
        }
        refusing.keySet().forEach(TlsTransport::closeQuietly);
        List<Thread> left = refusing.values().stream().map(Refusal::thread).collect(Collectors.toCollection(ArrayList::new));
        left.addAll(closeNotifiers);
        for (Thread thread : left) {
            thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        List<String> alive = left.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (watcher != null && watcher.thread().isAlive()) {
            alive = new ArrayList<>(alive);
            alive.add(watcher.thread().getName());
        }
        if (!alive.isEmpty()) {
            log.warn("port {}: TLS thread(s) still running after {}: {}", port, Durations.format(STOP_WAIT), alive);
        }
    }

    @Override
    public Optional<String> describe() {
        TlsMaterial current = material;
        return Optional.of("TLS " + String.join(",", tls.protocols()) + ", client certificates "
                + tls.clientAuth().cliName() + ", serving " + current.describe());
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {
        TlsMetrics.bind(registry, counters);
    }

    /** The watcher, for tests; null before {@link #start}. */
    TlsMaterialWatcher watcher() {
        return watcher;
    }

    /** A refusal in progress: its thread, and when it is closed whatever it is doing ({@link System#nanoTime}). */
    private record Refusal(Thread thread, long deadline) {}

    /** The socket's input, each read timed (a timed read is fine off the hot path) to what is left until a deadline. */
    private static final class RemainingTimeInputStream extends BulkReadInputStream {
        private final Socket socket;
        private final long deadline;

        RemainingTimeInputStream(Socket socket, long deadline) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                throw new SocketTimeoutException("refusal not done within " + Durations.format(REFUSAL_TIMEOUT));
            }
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
            return in.read(b, off, len);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing a refused socket failed: {}", e.toString());
        }
    }
}
