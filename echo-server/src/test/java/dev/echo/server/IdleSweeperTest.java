package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How often the idle sweeper looks: a quarter of the timeout, kept between {@value
 * IdleSweeper#MIN_PERIOD_MILLIS} ms and {@value IdleSweeper#MAX_PERIOD_MILLIS} ms (the numbers below
 * pin those constants).
 */
class IdleSweeperTest {

    @Test
    void periodIsAQuarterOfTheIdleTimeout() {
        assertEquals(Duration.ofMillis(75), IdleSweeper.period(Duration.ofMillis(300)),
                "expected a 75 ms period for a 300 ms idle timeout");
    }

    @Test
    void periodIsNeverBelowTenMilliseconds() {
        assertEquals(Duration.ofMillis(10), IdleSweeper.period(Duration.ofMillis(1)),
                "expected the 10 ms floor for a 1 ms idle timeout");
    }

    @Test
    void periodIsAtMostAQuarterSecond() {
        assertEquals(Duration.ofMillis(250), IdleSweeper.period(Duration.ofMinutes(5)),
                "expected the 250 ms ceiling for the default 5 minute idle timeout");
        assertEquals(Duration.ofMillis(250), IdleSweeper.period(Duration.ofSeconds(Long.MAX_VALUE)),
                "expected the 250 ms ceiling, not an overflow, for a huge idle timeout");
    }
}
