package dev.echo.bench.jmh;

import dev.echo.core.CanonicalEcho;
import dev.echo.core.FrameReader;
import dev.echo.core.FrameWriter;
import dev.echo.core.Framing;
import dev.echo.core.RequestHandler;
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
 * One request answered the way echo-server's request loop does it, without the socket: read the
 * frame from the reader's buffer, answer it, flush the answer. {@code answer} takes the shortcut of
 * {@link CanonicalEcho} where it applies (an echo's answer is its own bytes) and parses otherwise;
 * {@code answerByParsing} always parses, builds the answer and serializes it (the path before the
 * shortcut). Run with {@code -prof gc} for the bytes allocated per answered request.
 *
 * <pre>
 * java -cp echo-bench/target/echo-bench.jar org.openjdk.jmh.Main AnswerBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AnswerBenchmark {

    @Param({"ECHO_13", "ECHO_1K", "ADD"})
    public String payload;

    private FrameReader reader;
    private FrameWriter writer;
    private CountingOutputStream sink;

    @Setup
    public void setUp() {
        ClientMessage request = Payload.valueOf(payload.toUpperCase(Locale.ROOT)).request();
        sink = new CountingOutputStream();
        writer = Framing.DELIMITED.newWriter(sink);
        reader = Framing.DELIMITED.newReader(new RepeatingInputStream(Framing.DELIMITED.encode(request)));
    }

    @Benchmark
    public long answer() throws IOException {
        reader.nextFrame();
        if (reader.testFrame(CanonicalEcho::isOwnAnswer)) {
            reader.copyFrameTo(writer);
        } else {
            writer.write(RequestHandler.handle(reader.parseFrame(RequestHandler.requestParser())));
        }
        writer.flush();
        return sink.count;
    }

    @Benchmark
    public long answerByParsing() throws IOException {
        reader.nextFrame();
        writer.write(RequestHandler.handle(reader.parseFrame(RequestHandler.requestParser())));
        writer.flush();
        return sink.count;
    }
}
