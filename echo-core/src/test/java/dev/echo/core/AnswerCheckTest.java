package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.core.proto.ServerMessage;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnswerCheckTest {

    @Test
    void theServiceAnswersPassTheCheck() {
        for (ClientMessage request : new ClientMessage[] {
                Messages.echo("Hello, World!"), Messages.echo(""), Messages.add(10, 20),
                Messages.add(Integer.MAX_VALUE, 1), ClientMessage.getDefaultInstance()}) {
            assertEquals(Optional.empty(), AnswerCheck.mismatch(request, RequestHandler.handle(request)),
                    Messages.describe(request));
        }
    }

    @Test
    void anErrorMatchesByCodeNotByItsWording() {
        assertTrue(AnswerCheck.isAnswerTo(Messages.add(Integer.MAX_VALUE, 1),
                Messages.error(Code.ADD_OVERFLOW, "worded by another server")));
    }

    @Test
    void wrongAnswersAreNamedWithWhatWasExpected() {
        assertEquals(Optional.of("for add 1 2 expected add_response 3, got add_response 4"),
                AnswerCheck.mismatch(Messages.add(1, 2), Messages.sum(4)));
        assertEquals(Optional.of("for echo 'hi' expected echo 'hi', got echo 'ho'"),
                AnswerCheck.mismatch(Messages.echo("hi"), Messages.echoAnswer("ho")));
        assertFalse(AnswerCheck.isAnswerTo(Messages.add(1, 2), Messages.echoAnswer("3")));
        assertFalse(AnswerCheck.isAnswerTo(Messages.add(Integer.MAX_VALUE, 1), Messages.sum(Integer.MIN_VALUE)),
                "a wrapped sum is not an answer to an overflowing add");
        assertFalse(AnswerCheck.isAnswerTo(Messages.echo("x"), Messages.error(Code.SERVER_BUSY, "busy")));
    }

    @Test
    void anAnswerWorkedOutOnceMatchesLikeTheRequestsOwnCheck() {
        ServerMessage expected = RequestHandler.handle(Messages.echo("Hello"));
        assertTrue(AnswerCheck.matches(expected, Messages.echoAnswer("Hello")));
        assertFalse(AnswerCheck.matches(expected, Messages.echoAnswer("Hellp")));
        assertFalse(AnswerCheck.matches(expected, Messages.sum(5)));
        assertTrue(AnswerCheck.matches(Messages.error(Code.ADD_OVERFLOW, "one wording"),
                Messages.error(Code.ADD_OVERFLOW, "another")), "expected errors to match by code");
    }

    @Test
    void longTextsAreDescribedByTheirStartAndLength() {
        assertEquals("echo 'aaaaaaaaaaaaaaaaaaaaaaaa...' (100 chars)", Messages.describe(Messages.echo("a".repeat(100))));
    }

    /**
     * A peer's text goes into logs and onto terminals: a server's echo answer in the client's "answered
     * ... to ..." line once retitled the terminal and forged a second line (an attacker's finding).
     */
    @Test
    void aPeersControlCharactersAreDescribedAsEscapes() {
        String forged = "\u001b]0;PWNED\u0007\u001b[31mRED\r\nFORGED";
        assertEquals("echo '\\u001b]0;PWNED\\u0007\\u001b[31mRED\\u000d\\u000aFORGED'",
                Messages.describe(Messages.echoAnswer(forged)));
        assertEquals("error ADD_OVERFLOW 'a\\u000ab'", Messages.describe(Messages.error(Code.ADD_OVERFLOW, "a\nb")));
        assertEquals("'\\u001b" + "a".repeat(23) + "...' (100 chars)", Messages.describe("\u001b" + "a".repeat(99)));
        assertEquals("plain text stays itself", Messages.printable("plain text stays itself"));
    }

    /** "Trojan source" in a terminal: U+202E shows what follows it right to left, U+2028 breaks a line in some viewers. */
    @Test
    void aPeersReorderingAndLineBreakingCharactersAreDescribedAsEscapes() {
        assertEquals("'invoice\\u202etxt.exe'", Messages.describe("invoice\u202etxt.exe"));
        assertEquals("ok\\u2028FORGED \\u2066x\\u2069 \\u200f", Messages.printable("ok\u2028FORGED \u2066x\u2069 \u200f"));
        String family = "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 caf\u00e9 \u4e2d\u6587";
        assertEquals(family, Messages.printable(family), "emoji with zero-width joiners, accents and CJK stay themselves");
    }
}
