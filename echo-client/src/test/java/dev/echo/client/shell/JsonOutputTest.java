package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

    /**
     * A server's text reaches a terminal through {@code --json} too: every character the text output
     * escapes is a JSON escape here, not a raw byte (a helper's attack: U+202E, U+009B and U+2028 in an
     * error detail went out raw), and the line reads back as the very string the server sent.
     */
    @Test
    void aServersTextIsWrittenWithEveryUnprintableCharacterEscaped() throws Exception {
        String detail = "A\u001b[31mRED\u0007\u202eevil\u0000\u009b2J\u2028\u007f\u2066end";
        StringWriter answers = new StringWriter();
        JsonOutput json = new JsonOutput(new PrintWriter(answers, true), new PrintWriter(new StringWriter()));
        json.answer(new Command.Echo("hi\u202e"), Messages.error(ErrorResponse.Code.SERVER_BUSY, detail), 1_000);
        String line = answers.toString().strip();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            assertTrue(!Messages.unprintable(c), "raw U+" + Integer.toHexString(c) + " at " + i + " in " + line);
        }
        String lower = line.toLowerCase(java.util.Locale.ROOT); // Jackson's own escapes are upper case
        assertTrue(lower.contains("\\u202e") && lower.contains("\\u009b") && lower.contains("\\u2028")
                && lower.contains("\\u007f"), line);
        var parsed = new ObjectMapper().readTree(line);
        assertEquals(detail, parsed.path("error").path("detail").asText(), "the same string read back");
        assertEquals("hi\u202e", parsed.path("request").path("echo").asText());
    }
}
