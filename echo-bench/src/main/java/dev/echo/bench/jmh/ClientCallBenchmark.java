package dev.echo.bench.jmh;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client library's own cost per call ({@link EchoClient#echoAsync}): time and, with {@code -prof
 * gc}, allocation per call ({@code gc.alloc.rate.norm}), on one pipelined connection with {@code
 * window} calls outstanding (1: lockstep).
 *
 * <p>The client has no in-memory seam (a connection is a {@link Socket}), so the peer is a loopback
 * socket in the same JVM that sends back every byte it reads: an echo request and its answer encode
 * to the same bytes (field 1, an {@code EchoMessage}, in both), so this is a correct pipelined echo
 * server that parses nothing and allocates nothing per request. Everything allocated per operation
 * is then the client's: the request message, its {@code Request} and future, the deadline's timer
 * task, the answer's parsing.
 *
 * <pre>
 * java -cp echo-bench/target/echo-bench.jar org.openjdk.jmh.Main ClientCallBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ClientCallBenchmark {
    private static final String TEXT = "Hello, World!";

    @Param({"1", "64"})
    public int window;

    private ServerSocket listener;
    private Thread mirror;
    private EchoClient client;
    private CompletableFuture<String>[] outstanding;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        mirror = Thread.ofPlatform().daemon().name("mirror").start(this::mirror);
        client = EchoClient.connect(ClientConfig.builder().port(listener.getLocalPort())
                .requestTimeout(Duration.ofSeconds(30)).build());
        outstanding = new CompletableFuture[window];
        for (int i = 0; i < window; i++) {
            outstanding[i] = CompletableFuture.completedFuture(TEXT);
        }
    }

    /** Sends back what it reads, until the client closes. */
    private void mirror() {
        try (Socket socket = listener.accept()) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client closed: the trial is over
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        for (CompletableFuture<String> call : outstanding) {
            call.join();
        }
        client.close();
        listener.close();
        mirror.join(5_000);
    }

    /** One call: the answer of the call {@code window} calls back is taken, and a new one sent. */
    @Benchmark
    public String echoCall() {
        String answer = outstanding[next].join();
        outstanding[next] = client.echoAsync(TEXT);
        next = next + 1 == window ? 0 : next + 1;
        return answer;
    }
}
