package dev.echo.bench.jmh;

import dev.echo.client.EchoConnection;
import dev.echo.server.EchoServer;
import dev.echo.server.ServerConfig;
import dev.echo.server.ThreadMode;
import java.io.IOException;
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
 * One echo round trip over loopback to an in-process {@link EchoServer}, with a virtual thread or a
 * pooled platform thread serving the connection: the latency a lockstep client sees, client and
 * server on the same 2 cores.
 *
 * <pre>
 * java -cp echo-bench/target/echo-bench.jar org.openjdk.jmh.Main RoundTripBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoundTripBenchmark {

    /** The server, started once per trial. */
    @State(Scope.Benchmark)
    public static class Server {
        @Param({"virtual", "platform:4"})
        public String threadMode;

        EchoServer server;

        @Setup(Level.Trial)
        public void start() throws IOException {
            server = EchoServer.create(ServerConfig.builder().port(0).threadMode(ThreadMode.parse(threadMode)).build())
                    .start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            server.close();
        }
    }

    /** One connection per benchmark thread. */
    @State(Scope.Thread)
    public static class Client {
        EchoConnection client;

        @Setup(Level.Trial)
        public void connect(Server server) throws IOException {
            client = EchoConnection.connect("127.0.0.1", server.server.port());
        }

        @TearDown(Level.Trial)
        public void close() {
            client.close();
        }
    }

    @Benchmark
    public String echoRoundTrip(Client client) throws IOException {
        return client.client.echo("Hello, World!");
    }
}
