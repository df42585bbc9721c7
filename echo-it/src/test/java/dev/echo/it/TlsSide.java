package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.Framing;
import dev.echo.core.tls.ClientTls;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the TLS attack tests share: connecting as a TLS client through echo-core's {@link ClientTls}
 * (the client library's own way), the certificate a connection was served, the server process's
 * metrics scraped, and {@link Measured} legitimate TLS clients.
 */
final class TlsSide {
    static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Pattern METRICS_AT = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TlsSide() {}

    /** Trusts the test CA, no client certificate. */
    static ClientTls trusting(TlsPki pki) {
        return ClientTls.builder().trustedCa(pki.caPem).build();
    }

    /** Trusts the test CA and presents {@code certificate}. */
    static ClientTls presenting(TlsPki pki, Path certificate, Path key) {
        return ClientTls.builder().trustedCa(pki.caPem).clientCertificate(certificate, key).build();
    }

    /** A TLS connection to 127.0.0.1:{@code port}, its handshake done (host name verified against 127.0.0.1). */
    static WireClient connect(ClientTls tls, int port) throws IOException {
        Socket socket = tls.connect(new InetSocketAddress("127.0.0.1", port), "127.0.0.1", CONNECT, CONNECT);
        socket.setSoTimeout((int) WireClient.READ_TIMEOUT.toMillis());
        return WireClient.over(socket, Framing.DELIMITED);
    }

    /** The serial of the certificate the server presented on this connection. */
    static BigInteger servedSerial(WireClient client) throws IOException {
        SSLSocket socket = (SSLSocket) client.socket();
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** The metrics port the server's start line names (started with {@code --metrics-port 0}). */
    static int metricsPort(ServerProcess server) {
        for (String line : server.stdout()) {
            Matcher m = METRICS_AT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("expected a start line saying where metrics are served: " + server.describe());
    }

    static String scrape(int metricsPort) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "expected a scrape");
        return response.body();
    }

    /** The scrape, or "" when it failed: for waits. */
    static String scrapeOrEmpty(int metricsPort) {
        try {
            return scrape(metricsPort);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The value of {@code name} with the label {@code key="value"} in a scrape; 0 when absent. */
    static long sample(String scrape, String name, String key, String value) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(key + "=\"" + value + "\"")
                + "[^}]*} (\\S+)$").matcher(scrape);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** The TLS lines of a scrape, for assertion messages. */
    static String tlsLines(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("echo_tls")).toList().toString();
    }

    /**
     * {@code k} TLS clients on platform threads, each echoing a text of its own and checking the answer
     * until closed; a connection lost or a wrong answer is a failure (kept, counted) and the client
     * connects again. Long-lived, or, for the first {@code reconnecting} of them, a new connection (a
     * full handshake) every {@code requestsPerConnection} requests; the serials of the certificates
     * the server presented are kept. Latency per request into an HdrHistogram.
     */
    static final class Measured implements AutoCloseable {
        private final Recorder recorder = new Recorder(3);
        private final Histogram total = new Histogram(3);
        private final AtomicLong answers = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failureMessages = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLongArray perClient;
        private final Set<BigInteger> serialsServed = ConcurrentHashMap.newKeySet();
        private final AtomicLong connections = new AtomicLong();
        private volatile boolean stopped;

        private Measured(int k) {
            perClient = new AtomicLongArray(k);
        }

        /** {@code k} long-lived clients. */
        static Measured start(ClientTls tls, int port, int k) {
            return start(tls, port, k, 0, 0);
        }

        static Measured start(ClientTls tls, int port, int k, int reconnecting, int requestsPerConnection) {
            Measured measured = new Measured(k);
            for (int i = 0; i < k; i++) {
                int c = i;
                int perConnection = c < reconnecting ? requestsPerConnection : Integer.MAX_VALUE;
                measured.threads.add(Thread.ofPlatform().daemon().name("tls-client-" + i)
                        .start(() -> measured.run(tls, port, c, perConnection)));
            }
            return measured;
        }

        private void run(ClientTls tls, int port, int c, int perConnection) {
            int r = 0;
            while (!stopped) {
                try (WireClient client = connect(tls, port)) {
                    connections.incrementAndGet();
                    serialsServed.add(servedSerial(client));
                    for (int onThis = 0; onThis < perConnection && !stopped; onThis++) {
                        String text = "tls client " + c + " request " + r;
                        long start = System.nanoTime();
                        String answer = client.echo(text);
                        recorder.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)));
                        if (!text.equals(answer)) {
                            throw new AssertionError("client " + c + " request " + r + ": expected " + text + " got " + answer);
                        }
                        answers.incrementAndGet();
                        perClient.incrementAndGet(c);
                        r++;
                    }
                } catch (IOException | AssertionError | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    failures.incrementAndGet();
                    if (failureMessages.size() < 20) {
                        failureMessages.add("client " + c + ": " + e);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // not to hammer a dead server
                }
            }
        }

        /**
         * Waits until every client has had {@code more} right answers beyond its count now: all connected
         * and answered, so that what follows starts from served clients.
         */
        void awaitEveryClientAnswered(long more, Duration deadline) {
            long[] target = new long[perClient.length()];
            for (int i = 0; i < target.length; i++) {
                target[i] = perClient.get(i) + more;
            }
            dev.echo.testkit.Await.until("every TLS client " + more + " more answers", deadline, () -> {
                for (int i = 0; i < target.length; i++) {
                    if (perClient.get(i) < target[i]) {
                        return false;
                    }
                }
                return true;
            }, () -> perClient + "; " + summary());
        }

        long answers() {
            return answers.get();
        }

        /** Connections made, the first of each client's included. */
        long connections() {
            return connections.get();
        }

        /** Whether a connection of these clients was presented the certificate with {@code serial}. */
        boolean served(BigInteger serial) {
            return serialsServed.contains(serial);
        }

        long failures() {
            return failures.get();
        }

        /** Answers, failures (with the first messages) and latency so far, for assertion messages. */
        synchronized String summary() {
            total.add(recorder.getIntervalHistogram());
            return String.format("%,d connections, %,d right answers, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failures %s", connections.get(), answers.get(),
                    total.getValueAtPercentile(50) / 1000.0, total.getValueAtPercentile(99) / 1000.0,
                    total.getMaxValue() / 1000.0, failures.get(), failureMessages.stream().limit(5).toList());
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            for (Thread thread : threads) {
                thread.interrupt();
            }
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(30));
            }
        }
    }
}
