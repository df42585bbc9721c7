package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TerminalsTest {

    @Test
    void anUnsetOrBlankPropertyLeavesTheGuess() throws UsageException {
        assertTrue(Terminals.forced(Terminals.INTERACTIVE, null, true));
        assertFalse(Terminals.forced(Terminals.INTERACTIVE, null, false));
        assertTrue(Terminals.forced(Terminals.INTERACTIVE, "  ", true));
    }

    @Test
    void trueAndFalseOverrideTheGuessInAnyCase() throws UsageException {
        assertTrue(Terminals.forced(Terminals.INTERACTIVE, " TRUE ", false));
        assertFalse(Terminals.forced(Terminals.STDOUT_TERMINAL, "False", true));
    }

    @Test
    void anyOtherValueIsAUsageErrorNamingThePropertyAndTheValue() {
        // Before, "maybe" (or "yes", "1") was read as false without a word.
        for (String value : new String[] {"maybe", "yes", "1"}) {
            UsageException refused = assertThrows(UsageException.class,
                    () -> Terminals.forced(Terminals.INTERACTIVE, value, true));
            assertEquals("invalid -Decho.client.interactive '" + value + "': expected true or false", refused.getMessage());
        }
    }
}
