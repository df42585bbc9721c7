package dev.echo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypeTest {
    @Test
    void wholeNumbersMayBeGroupedAndStayInTheirRange() {
        assertEquals(15_000, ValueType.intRange(1, 20_000).read("15_000"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.intRange(1, 20_000).read("20001"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.intRange(1, 20_000).read("1.5"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.longRange(0, Long.MAX_VALUE).read("99999999999999999999"));
    }

    @Test
    void numbersAreFiniteAndAtLeastTheirMinimum() {
        assertEquals(0.5, ValueType.numberAtLeast(0).read("0.5"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.numberAtLeast(0).read("NaN"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.numberAtLeast(0).read("-1"));
        assertEquals("a number of at least 0", ValueType.numberAtLeast(0).expected());
    }

    @Test
    void durationsUseTheToolkitsGrammar() {
        assertEquals(Duration.ZERO, ValueType.duration().read("0"));
        assertEquals(Duration.ofMillis(250), ValueType.positiveDuration().read("250ms"));
        assertThrows(IllegalArgumentException.class, () -> ValueType.duration().read("PT1S"));
    }

    @Test
    void choicesIgnoreCaseAndMapToTheirValue() {
        ValueType<Integer> levels = ValueType.oneOf(List.of("low", "high")).map(t -> t.equals("low") ? 0 : 1);
        assertEquals(1, levels.read("HIGH"));
        assertEquals("one of low, high", levels.expected());
        assertThrows(IllegalArgumentException.class, () -> levels.read("medium"));
    }
}
