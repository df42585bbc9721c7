package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FramingTest {

    @Test
    void cliNamesParseIgnoringCase() {
        assertEquals(Framing.DELIMITED, Framing.fromCliName("delimited"), "delimited");
        assertEquals(Framing.RAW, Framing.fromCliName(" Raw "), "raw, any case, trimmed");
        assertEquals("delimited", Framing.DELIMITED.cliName(), "cli name");
    }

    @Test
    void unknownNameSaysWhatIsValid() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Framing.fromCliName("length"), "unknown framing");
        assertEquals("unknown framing 'length': expected delimited or raw", e.getMessage(), "message");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Framing.fromCliName(null), "null")
                .getMessage().contains("null"), "null named");
    }
}
