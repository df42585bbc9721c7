package dev.echo.client.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --json}: one JSON object per line for each answer, so that nothing but JSON reaches the
 * answers' stream (the shell's own words go to the notices):
 *
 * <pre>
 * {"request":{"echo":"hi"},"answer":"hi","micros":412}
 * {"request":{"add":[10,20]},"answer":30,"micros":380}
 * {"request":{"add":[2147483647,1]},"error":{"code":"ADD_OVERFLOW","detail":"..."},"micros":395}
 * {"request":{"echo":"hi"},"repeat":50,"answered":50,"cancelled":false,"total_micros":9000,"mean_micros":170,"p99_micros":420}
 * </pre>
 */
record JsonOutput(PrintWriter answers, PrintWriter notices) implements Output {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setCharacterEscapes(new PeerTextEscapes());
    }

    /**
     * JSON's own escapes for every character {@link Messages#printable} escapes in the text output:
     * Jackson writes C0 controls as backslash-u escapes but DEL, C1 controls (U+009B is a terminal's CSI),
     * bidi overrides (U+202E) and U+2028 raw, and this output is read on terminals too (a helper's
     * attack: a server's error detail reordered and drove the terminal through {@code --json}). The
     * JSON reads back as the same string.
     */
    private static final class PeerTextEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        PeerTextEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return Messages.unprintable((char) ch)
                    ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch)) : null;
        }
    }

    /** The shell's own words go to the notices: nothing but JSON reaches the answers' stream. */
    @Override
    public PrintWriter text() {
        return notices;
    }

    @Override
    public Outcome answer(Command.Request request, ServerMessage answer, long rttNanos) {
        ObjectNode line = MAPPER.createObjectNode().set("request", request(request));
        Outcome outcome = switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> {
                line.put("answer", answer.getEchoMessage().getContent());
                yield Outcome.OK;
            }
            case ADD_RESPONSE -> {
                line.put("answer", answer.getAddResponse().getResult());
                yield Outcome.OK;
            }
            case ERROR -> {
                line.set("error", error(answer.getError()));
                yield Outcome.SERVER_ERROR;
            }
            case MESSAGE_NOT_SET -> throw new IllegalArgumentException("an empty answer is not printed as one");
        };
        print(line.put("micros", micros(rttNanos)));
        return outcome;
    }

    @Override
    public Outcome repeatError(Command.Repeat repeat, ErrorResponse error, long answered) {
        print(MAPPER.createObjectNode().<ObjectNode>set("request", request(repeat.request()))
                .put("repeat", repeat.count()).put("answered", answered).set("error", error(error)));
        return Outcome.SERVER_ERROR;
    }

    @Override
    public void repeatSummary(RepeatResult result) {
        print(MAPPER.createObjectNode().<ObjectNode>set("request", request(result.repeat().request()))
                .put("repeat", result.repeat().count())
                .put("answered", result.answered())
                .put("cancelled", result.cancelled())
                .put("total_micros", micros(result.totalNanos()))
                .put("mean_micros", micros(result.meanNanos()))
                .put("p99_micros", micros(result.p99Nanos())));
    }

    private static JsonNode request(Command.Request request) {
        ObjectNode node = MAPPER.createObjectNode();
        switch (request) {
            case Command.Echo echo -> node.put("echo", echo.text());
            case Command.Add add -> node.putArray("add").add(add.a()).add(add.b());
        }
        return node;
    }

    /** The detail bounded as in the text output: a line of JSON is read on terminals too. */
    private static JsonNode error(ErrorResponse error) {
        return MAPPER.createObjectNode().put("code", Output.code(error)).put("detail", Messages.bounded(error.getDetail()));
    }

    private static long micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }

    private void print(ObjectNode line) {
        try {
            answers.println(MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers must serialize: " + line, e);
        }
    }
}
