package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.proto.ClientMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Property: whatever is written with a framing reads back the same, however the bytes are split. */
class FramingRoundTripTest {
    private static final long SEED = 20261125L;

    private static String randomText(SplittableRandom random, int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int kind = random.nextInt(4);
            int cp = switch (kind) {
                case 0 -> random.nextInt(0x20, 0x7f);          // ASCII
                case 1 -> random.nextInt(0x80, 0x800);         // 2-byte UTF-8
                case 2 -> random.nextInt(0x4e00, 0x9fff);      // 3-byte UTF-8 (CJK)
                default -> random.nextInt(0x1f300, 0x1f64f);   // 4-byte UTF-8 (emoji)
            };
            text.appendCodePoint(cp);
        }
        return text.toString();
    }

    private static List<ClientMessage> messages(SplittableRandom random) {
        List<ClientMessage> messages = new ArrayList<>();
        messages.add(Frames.echo(""));
        messages.add(Frames.echo("x".repeat(1024 * 1024)));
        messages.add(Frames.add(Integer.MIN_VALUE, Integer.MAX_VALUE));
        for (int i = 0; i < 300; i++) {
            messages.add(random.nextBoolean()
                    ? Frames.echo(randomText(random, random.nextInt(0, 200)))
                    : Frames.add(random.nextInt(), random.nextInt()));
        }
        return messages;
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void randomMessagesRoundTripThroughRandomSplits(Framing framing) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        List<ClientMessage> sent = messages(random);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = framing.newWriter(out);
        for (ClientMessage message : sent) {
            writer.write(message);
        }
        writer.flush();
        assertEquals(out.size(), writer.bytesWritten(), "bytes written counted");

        int[] chunks = random.ints(64, 1, 9000).toArray();
        FrameReader reader = framing.newReader(new ChunkedInputStream(out.toByteArray(), chunks));
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i), reader.read(ClientMessage.parser()), framing + " message " + i);
        }
        assertEquals(-1, reader.nextFrame(), framing + ": clean end after " + sent.size() + " messages");
        assertEquals(out.size(), reader.bytesRead(), "bytes read counted");
    }
}
