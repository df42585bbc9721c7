package dev.echo.bench.jmh;

import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Framing;
import dev.echo.core.proto.ClientMessage;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding one request per framing, through echo-core's buffered writer and reader,
 * for a 13-byte echo, a 1 KiB echo and an add. Each operation is one whole frame: write + flush to a
 * sink, or read + parse from an endless stream of the same frame.
 *
 * <pre>
 * java -cp echo-bench/target/echo-bench.jar org.openjdk.jmh.Main CodecBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({"delimited", "raw"})
    public String framing;

    @Param({"ECHO_13", "ECHO_1K", "ADD"})
    public String payload;

    private ClientMessage request;
    private FrameWriter writer;
    private CountingOutputStream sink;
    private FrameReader reader;

    @Setup
    public void setUp() {
        Framing f = Framing.fromCliName(framing);
        request = Payload.valueOf(payload.toUpperCase(Locale.ROOT)).request();
        sink = new CountingOutputStream();
        writer = f.newWriter(sink);
        reader = f.newReader(new RepeatingInputStream(f.encode(request)));
    }

    @Benchmark
    public long encode() throws IOException {
        writer.write(request);
        writer.flush();
        return sink.count;
    }

    @Benchmark
    public ClientMessage decode() throws IOException {
        return reader.read(ClientMessage.parser());
    }
}
