package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferBudgetTest {

    @Test
    void framesNeverTakeTheConnectionReserve() {
        BufferBudget budget = BufferBudget.of(1000, 250);
        assertTrue(budget.tryReserve(750), "frames may take all but the reserve");
        assertFalse(budget.tryReserve(1), "expected the reserve kept from frames");
        assertEquals(0, budget.available());
        assertTrue(budget.tryReserveConnection(250), "expected the reserve there for a connection");
        assertFalse(budget.tryReserveConnection(1), "expected nothing past the budget");
        assertEquals(1000, budget.used());
    }

    @Test
    void connectionsPastTheReserveTakeWhatFramesLeftAndGiveItBack() {
        BufferBudget budget = BufferBudget.of(1000, 250);
        assertTrue(budget.tryReserveConnection(400));
        assertEquals(600, budget.available(), "frames have the budget less what connections took");
        assertFalse(budget.tryReserve(601));
        assertTrue(budget.tryReserve(600));
        budget.releaseConnection(400);
        assertEquals(150, budget.available(), "back to the budget less the reserve");
        assertTrue(budget.tryReserve(150));
        budget.release(750);
        assertEquals(0, budget.used());
    }

    @Test
    void growthThatOnlySavesTimeStopsAtHalfOfEverythingUsed() {
        BufferBudget budget = BufferBudget.of(1000, 250);
        assertTrue(budget.tryReserveConnection(300));
        assertFalse(budget.tryReserveOptional(201), "expected at most half of the budget used in all");
        assertTrue(budget.tryReserveOptional(200));
    }

    @Test
    void withoutAReserveFramesMayTakeItAll() {
        BufferBudget budget = BufferBudget.of(1000);
        assertEquals(0, budget.connectionReserve());
        assertTrue(budget.tryReserve(1000));
        assertFalse(budget.tryReserveConnection(1));
    }

    @Test
    void aReserveOutsideTheBudgetIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BufferBudget.of(1000, 1001));
        assertEquals("connection reserve must be from 0 to the budget's 1000 bytes: 1001", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BufferBudget.of(1000, -1));
    }
}
