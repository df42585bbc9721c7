package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void readsEveryUnitAndBareZero() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"), "500ms");
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30S "), "30s, any case, trimmed");
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"), "5m");
        assertEquals(Duration.ofHours(1), Durations.parse("1h"), "1h");
        assertEquals(Duration.ZERO, Durations.parse("0"), "bare 0");
    }

    @Test
    void formatsTheShortestExactFormThatParsesBack() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(1500),
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(2)}) {
            assertEquals(d, Durations.parse(Durations.format(d)), "round trip of " + d);
        }
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)), "5 minutes");
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)), "1.5 seconds");
        assertEquals("0s", Durations.format(Duration.ZERO), "zero");
        assertEquals(Long.MAX_VALUE + "s", Durations.format(Duration.ofSeconds(Long.MAX_VALUE)),
                "past what milliseconds hold: in seconds, not an ArithmeticException");
    }

    @Test
    void saturatesNanosSoThatADeadlineFromNowStillCompares() {
        assertEquals(1_500_000, Durations.nanosSaturated(Duration.ofNanos(1_500_000)), "1.5 ms");
        assertEquals(Long.MAX_VALUE / 4, Durations.nanosSaturated(Duration.ofSeconds(Long.MAX_VALUE)),
                "three hundred billion years: saturated, not an ArithmeticException");
        long deadline = System.nanoTime() + Durations.nanosSaturated(Duration.ofDays(365L * 400));
        assertTrue(deadline - System.nanoTime() > 0, "a deadline four centuries away is still ahead: " + deadline);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "s", "5 x", "-5s", "1.5s", "PT5S", "10000000000s"})
    void rejectsWithTheBadTextInTheMessage(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        assertTrue(e.getMessage().contains("'" + bad + "'"), "message names the value: " + e.getMessage());
    }
}
