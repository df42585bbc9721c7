package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.proto.ErrorResponse;
import org.junit.jupiter.api.Test;

/** The protocol's rule for failures: which code, and whether the connection ends. */
class FrameFailureTest {

    @Test
    void everyFramingFailureEndsTheConnectionWithItsCode() {
        assertRule(FrameFailure.of(new FrameTooLargeException(10, 5)), ErrorResponse.Code.FRAME_TOO_LARGE, true);
        assertRule(FrameFailure.of(new MalformedFrameException("bad varint")), ErrorResponse.Code.MALFORMED_MESSAGE, true);
        assertRule(FrameFailure.of(new BufferBudgetExceededException(100, 50, BufferBudget.of(10))),
                ErrorResponse.Code.SERVER_BUSY, true);
    }

    @Test
    void aTruncatedFrameIsNotAnsweredBecauseThePeerHasGone() {
        FrameFailure truncated = FrameFailure.of(new TruncatedFrameException("frame", 3, 10));
        assertEquals(FrameFailure.TRUNCATED, truncated, "expected the truncated rule");
        assertFalse(truncated.answered(), "expected no answer to a peer that went away");
        assertTrue(truncated.closesConnection(), "expected the connection to end");
        assertThrows(IllegalStateException.class, () -> truncated.answer("x"), "expected no answer built");
    }

    @Test
    void anUnparsableBodyIsAnsweredAndTheConnectionGoesOnOnlyWhenDelimited() {
        assertRule(FrameFailure.unparsable(Framing.DELIMITED), ErrorResponse.Code.MALFORMED_MESSAGE, false);
        assertRule(FrameFailure.unparsable(Framing.RAW), ErrorResponse.Code.MALFORMED_MESSAGE, true);
    }

    @Test
    void theAnswerCarriesTheCodeAndTheDetail() {
        assertEquals(Messages.error(ErrorResponse.Code.FRAME_TOO_LARGE, "too big"), FrameFailure.TOO_LARGE.answer("too big"),
                "expected the error answer with the rule's code");
    }

    private static void assertRule(FrameFailure failure, ErrorResponse.Code code, boolean closes) {
        assertTrue(failure.answered(), failure + ": expected an answer");
        assertEquals(code, failure.code(), failure + ": expected code " + code);
        assertEquals(closes, failure.closesConnection(), failure + ": expected closesConnection " + closes);
    }
}
