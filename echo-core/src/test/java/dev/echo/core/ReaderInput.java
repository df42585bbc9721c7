package dev.echo.core;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One generated case for a frame reader: the framing, the reader's limit, the bytes on the wire, and
 * the most each {@code read} hands out (the last size repeating, as in {@link ChunkedInputStream}).
 */
record ReaderInput(Framing framing, int maxFrameLength, byte[] bytes, int[] reads) {

    /** A fresh stream of the bytes, cut as {@link #reads} says. */
    ChunkedInputStream stream() {
        return new ChunkedInputStream(bytes, reads);
    }

    /**
     * A random case. A fifth are arbitrary bytes; the rest are frames, headers and junk put
     * together, then maybe corrupted or cut short, so that valid frames are common and every kind of
     * failure still comes up.
     */
    static ReaderInput random(Framing framing, Random random) {
        int max = switch (random.nextInt(3)) {
            case 0 -> 1 + random.nextInt(64); // most frames are too large
            case 1 -> 1 + random.nextInt(20_000); // around the 8 KiB buffer
            default -> FrameReader.DEFAULT_MAX_FRAME_LENGTH;
        };
        byte[] bytes = random.nextInt(5) == 0
                ? randomBytes(random, random.nextInt(64))
                : damaged(random, assembled(framing, max, random));
        return new ReaderInput(framing, max, bytes, randomReads(random, bytes.length));
    }

    /** 1 to 8 pieces: mostly valid frames, some bare headers with any declared length, some junk. */
    private static byte[] assembled(Framing framing, int max, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pieces = 1 + random.nextInt(8);
        for (int i = 0; i < pieces; i++) {
            int kind = random.nextInt(10);
            if (kind < 8) {
                int bound = Math.min(max, switch (random.nextInt(4)) {
                    case 0, 1 -> 32;
                    case 2 -> 3_000;
                    default -> 20_000; // past the 8 KiB buffer
                });
                byte[] payload = randomBytes(random, random.nextInt(bound + 1));
                writeHeader(out, framing, payload.length, random);
                out.writeBytes(payload);
            } else if (kind < 9) {
                // A header whose body may never come: the case that tempts a reader to allocate early.
                writeHeader(out, framing, declaredLength(max, random), random);
                out.writeBytes(randomBytes(random, random.nextInt(17)));
            } else {
                out.writeBytes(randomBytes(random, 1 + random.nextInt(4)));
            }
        }
        return out.toByteArray();
    }

    /** Lengths at and around the limit, and up to what five varint bytes can carry. */
    private static long declaredLength(int max, Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> random.nextInt(64);
            case 1 -> max - 1L;
            case 2 -> max;
            case 3 -> max + 1L;
            case 4 -> random.nextLong(max + 1L);
            case 5 -> random.nextLong(Integer.MAX_VALUE + 1L);
            default -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MAX_VALUE + 1L + random.nextInt(1000);
        };
    }

    /** The length prefix, or for raw framing a tag and the field length. */
    private static void writeHeader(ByteArrayOutputStream out, Framing framing, long length, Random random) {
        if (framing == Framing.RAW) {
            long field = random.nextInt(4) == 0 ? 1 + random.nextInt((1 << 28) - 1) : 1 + random.nextInt(2);
            int wireType = random.nextInt(50) == 0 ? random.nextInt(8) : 2;
            writeVarint(out, field << 3 | wireType, random);
        }
        writeVarint(out, length, random);
    }

    /** Now and then padded with 0x80 bytes: still valid up to 5 bytes, rarely to a malformed 6. */
    private static void writeVarint(ByteArrayOutputStream out, long value, Random random) {
        int size = 1;
        while (size < 5 && value >>> (7 * size) != 0) {
            size++;
        }
        if (random.nextInt(10) == 0) {
            size += random.nextInt(6 - size);
        } else if (random.nextInt(100) == 0) {
            size = 6;
        }
        for (int i = 0; i < size; i++) {
            int b = (int) (value >>> (7 * i)) & 0x7f;
            out.write(i < size - 1 ? b | 0x80 : b);
        }
    }

    /** Now and then a few bytes overwritten, and now and then the end cut off. */
    private static byte[] damaged(Random random, byte[] bytes) {
        if (bytes.length > 0 && random.nextInt(4) == 0) {
            for (int i = random.nextInt(3); i >= 0; i--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
        }
        if (bytes.length > 0 && random.nextInt(4) == 0) {
            bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }

    private static int[] randomReads(Random random, int total) {
        int[] reads = new int[1 + random.nextInt(6)];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = switch (random.nextInt(4)) {
                case 0 -> 1;
                case 1 -> 1 + random.nextInt(8);
                case 2 -> 1 + random.nextInt(Math.max(1, total));
                default -> Integer.MAX_VALUE;
            };
        }
        return reads;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Cases one step simpler than this one, made as they are asked for, the simplest first: one read
     * for everything, fewer reads, a smaller limit, then ever smaller runs of bytes left out.
     */
    Stream<ReaderInput> simpler() {
        boolean oneRead = reads.length == 1 && reads[0] == Integer.MAX_VALUE;
        Stream<ReaderInput> oneReadForAll = oneRead ? Stream.empty() : Stream.of(withReads(Integer.MAX_VALUE));
        Stream<ReaderInput> fewerReads = IntStream.range(0, reads.length > 1 ? reads.length : 0)
                .mapToObj(i -> withReads(IntStream.range(0, reads.length).filter(j -> j != i).map(j -> reads[j]).toArray()));
        Stream<ReaderInput> smallerLimit = maxFrameLength > 1
                ? Stream.of(new ReaderInput(framing, maxFrameLength / 2, bytes, reads))
                : Stream.empty();
        Stream<ReaderInput> fewerBytes = IntStream.iterate(bytes.length, span -> span >= 1, span -> span / 2)
                .boxed()
                .flatMap(span -> IntStream.iterate(0, from -> from + span <= bytes.length, from -> from + span)
                        .mapToObj(from -> withoutBytes(from, span)));
        return Stream.of(oneReadForAll, fewerReads, smallerLimit, fewerBytes).flatMap(s -> s);
    }

    private ReaderInput withoutBytes(int from, int count) {
        byte[] shorter = new byte[bytes.length - count];
        System.arraycopy(bytes, 0, shorter, 0, from);
        System.arraycopy(bytes, from + count, shorter, from, shorter.length - from);
        return new ReaderInput(framing, maxFrameLength, shorter, reads);
    }

    private ReaderInput withReads(int... newReads) {
        return new ReaderInput(framing, maxFrameLength, bytes, newReads);
    }

    @Override
    public String toString() {
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 48));
        return framing + ", maxFrameLength " + maxFrameLength + ", " + bytes.length + " bytes [" + hex
                + (bytes.length > 48 ? " ..." : "") + "], reads of at most " + Arrays.toString(reads);
    }
}
