package dev.echo.core;

import static dev.echo.core.Frames.bytes;
import static dev.echo.core.Frames.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Parser;
import dev.echo.core.ReferenceDecoder.Decoded;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/**
 * Both framings' readers against {@link ReferenceDecoder}, on random inputs cut into random reads.
 * Each property runs {@value #TRIES} cases from a seed that is new each run and printed with a
 * failure; {@code -Decho.seed=N} replays it. A failing case is shrunk before it is reported.
 *
 * <p>Generation and shrinking are our own ({@link ReaderInput}) rather than jqwik's: from 1.10 on,
 * jqwik's maintainer asks that AI coding agents, which wrote these properties, not use it.
 */
class FrameReaderProperties {
    private static final int TRIES = 1000;
    /** Enough to shrink a 20 KB input to a few bytes; a bound, because each attempt reruns the property. */
    private static final int SHRINK_ATTEMPTS = 5000;
    /** A buffer may be this large before any bytes arrive to justify it. */
    private static final int SMALL_BUFFER = 8 * 1024;

    /** Hands back the frame's bytes unparsed, so any bytes can be compared; readers call only this overload. */
    @SuppressWarnings("unchecked")
    private static final Parser<byte[]> FRAME_BYTES = (Parser<byte[]>) Proxy.newProxyInstance(
            Parser.class.getClassLoader(), new Class<?>[] {Parser.class}, (proxy, method, args) -> {
                if (method.getName().equals("parseFrom") && Arrays.equals(
                        method.getParameterTypes(), new Class<?>[] {byte[].class, int.class, int.class})) {
                    int offset = (int) args[1];
                    return Arrays.copyOfRange((byte[]) args[0], offset, offset + (int) args[2]);
                }
                throw new UnsupportedOperationException("FRAME_BYTES implements only parseFrom(byte[], int, int): " + method);
            });

    @ParameterizedTest
    @EnumSource(Framing.class)
    void readerFindsTheReferencesFramesThenItsEnd(Framing framing) {
        forAll(framing, FrameReaderProperties::readsLikeTheReference);
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void bufferGrowsOnlyWithBytesThatArrived(Framing framing) {
        forAll(framing, FrameReaderProperties::staysWithinArrivedBytes);
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void headerClaimingNearlyTheMaximumThenOneByteAllocatesLittle(Framing framing) {
        int max = FrameReader.DEFAULT_MAX_FRAME_LENGTH;
        byte[] header = framing == Framing.DELIMITED
                ? bytes(0xff, 0xff, 0xff, 0x01) // length 4,194,303 = max - 1
                : bytes(0x0a, 0xfa, 0xff, 0xff, 0x01); // field 1, length 4,194,298: 5 + that = max - 1
        BufferedFrameReader reader = (BufferedFrameReader) framing.newReader(
                new ChunkedInputStream(concat(header, bytes(0x2a))), max);
        assertThrows(TruncatedFrameException.class, reader::nextFrame, "the stream ends inside the body");
        assertWithinArrivedBytes(reader, "after " + (header.length + 1) + " bytes promising " + (max - 1));
    }

    /** Guards the generator: valid frames in over half the inputs, and every way of ending. */
    @ParameterizedTest
    @EnumSource(Framing.class)
    void inputsCoverFramesAndEveryEnding(Framing framing) {
        Random random = new Random(seed());
        int withFrames = 0;
        Map<String, Integer> endings = new TreeMap<>();
        for (int i = 0; i < TRIES; i++) {
            ReaderInput input = ReaderInput.random(framing, random);
            Decoded decoded = ReferenceDecoder.decode(framing, input.bytes(), input.maxFrameLength());
            withFrames += decoded.frames().isEmpty() ? 0 : 1;
            endings.merge(decoded.error() == null ? "clean end" : decoded.error().getSimpleName(), 1, Integer::sum);
        }
        assertTrue(withFrames >= TRIES * 2 / 5, "inputs with at least one frame: " + withFrames + " of " + TRIES);
        for (String ending : new String[] {"clean end", "TruncatedFrameException", "MalformedFrameException",
                "FrameTooLargeException"}) {
            assertTrue(endings.getOrDefault(ending, 0) >= TRIES / 50, "endings " + endings + ": too few " + ending);
        }
    }

    /** Same frames, in order and byte for byte, then the same failure class or a clean end. */
    private static void readsLikeTheReference(ReaderInput input) throws Exception {
        Decoded expected = ReferenceDecoder.decode(input.framing(), input.bytes(), input.maxFrameLength());
        FrameReader reader = input.framing().newReader(input.stream(), input.maxFrameLength());
        for (int i = 0; i < expected.frames().size(); i++) {
            byte[] frame = expected.frames().get(i);
            assertEquals(frame.length, assertDoesNotThrow(reader::nextFrame, "frame " + i), "length of frame " + i);
            assertArrayEquals(frame, reader.parseFrame(FRAME_BYTES), "bytes of frame " + i);
        }
        String after = "after " + expected.frames().size() + " frames";
        if (expected.error() == null) {
            assertEquals(-1, assertDoesNotThrow(reader::nextFrame, after), "a clean end " + after);
            assertEquals(input.bytes().length, reader.bytesRead(), "bytes read at the end");
        } else {
            assertThrows(expected.error(), reader::nextFrame, after);
        }
    }

    /** After every frame, at the end and on a failure, the buffer is justified by bytes that arrived. */
    private static void staysWithinArrivedBytes(ReaderInput input) throws Exception {
        BufferedFrameReader reader = (BufferedFrameReader) input.framing().newReader(input.stream(), input.maxFrameLength());
        int frames = 0;
        try {
            while (reader.nextFrame() >= 0) {
                assertWithinArrivedBytes(reader, "after frame " + frames++);
            }
            assertWithinArrivedBytes(reader, "at the end");
        } catch (FrameException e) {
            assertWithinArrivedBytes(reader, "on " + e.getClass().getSimpleName() + " after " + frames + " frames");
        }
    }

    private static void assertWithinArrivedBytes(BufferedFrameReader reader, String when) {
        long allowed = Math.max(SMALL_BUFFER, 2 * reader.bytesRead());
        assertTrue(reader.bufferCapacity() <= allowed, () -> "buffer of " + reader.bufferCapacity() + " bytes " + when
                + ", with " + reader.bytesRead() + " bytes read: at most " + allowed + " expected");
    }

    /** A property of one input: returns normally when it holds. */
    @FunctionalInterface
    private interface Property {
        void check(ReaderInput input) throws Exception;
    }

    /** Checks {@code property} on {@value #TRIES} random inputs; fails with the first failure, shrunk. */
    private static void forAll(Framing framing, Property property) {
        long seed = seed();
        Random random = new Random(seed);
        for (int i = 1; i <= TRIES; i++) {
            ReaderInput input = ReaderInput.random(framing, random);
            Throwable failure = failure(property, input);
            if (failure != null) {
                ReaderInput smallest = shrink(property, input);
                Throwable smallestFailure = failure(property, smallest);
                throw new AssertionFailedError("falsified on try " + i + " of " + TRIES + ", seed " + seed
                        + " (-Decho.seed=" + seed + " replays it)"
                        + "\n  smallest input: " + smallest
                        + "\n  fails with: " + smallestFailure
                        + "\n  first input: " + input, smallestFailure);
            }
        }
    }

    /** Takes the first simpler input that still fails, while there is one and attempts are left. */
    private static ReaderInput shrink(Property property, ReaderInput failing) {
        AtomicInteger attempts = new AtomicInteger();
        ReaderInput smallest = failing;
        for (Optional<ReaderInput> simpler = Optional.of(failing); simpler.isPresent(); ) {
            smallest = simpler.get();
            simpler = smallest.simpler()
                    .takeWhile(candidate -> attempts.getAndIncrement() < SHRINK_ATTEMPTS)
                    .filter(candidate -> failure(property, candidate) != null)
                    .findFirst();
        }
        return smallest;
    }

    private static Throwable failure(Property property, ReaderInput input) {
        try {
            property.check(input);
            return null;
        } catch (AssertionError | Exception e) {
            return e;
        }
    }

    private static long seed() {
        return Long.getLong("echo.seed", new Random().nextLong());
    }
}
