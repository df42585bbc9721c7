package dev.echo.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.bench.load.RequestScript.Verdict;
import dev.echo.core.Messages;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import org.junit.jupiter.api.Test;

class RequestScriptTest {

    @Test
    void theServersOwnAnswerIsAccepted() {
        RequestScript script = new RequestScript(7, 13, 1, 1, 4);
        for (long n = 0; n < 100; n++) {
            assertEquals(Verdict.OK, script.verify(n, RequestHandler.handle(script.request(n))),
                    "expected the right answer to request " + n + " to verify");
        }
    }

    @Test
    void echoContentHasExactlyTheRequestedSize() {
        for (int size : new int[] {0, 1, 5, 13, 1024}) {
            RequestScript script = new RequestScript(12345, size, 1, 0, 1);
            assertEquals(size, script.request(0).getEchoMessage().getContentBytes().size(),
                    "expected an echo of " + size + " bytes");
        }
    }

    @Test
    void anAnswerOutOfOrderIsAMismatchWithinTheInFlightWindow() {
        int inFlight = 64;
        RequestScript script = new RequestScript(3, 13, 1, 0, inFlight);
        for (long n = 0; n < 200; n++) {
            for (long other = Math.max(0, n - inFlight); other <= n + inFlight; other++) {
                if (other != n) {
                    ServerMessage answerToOther = RequestHandler.handle(script.request(other));
                    assertEquals(Verdict.MISMATCH, script.verify(n, answerToOther),
                            "expected the answer to request " + other + " to be rejected for request " + n);
                }
            }
        }
    }

    @Test
    void aWrongSumOrKindIsAMismatchAndAnErrorIsAnErrorAnswer() {
        RequestScript adds = new RequestScript(1, 13, 0, 1, 1);
        ServerMessage right = RequestHandler.handle(adds.request(5));
        ServerMessage wrongSum = right.toBuilder().setAddResponse(right.getAddResponse().toBuilder()
                .setResult(right.getAddResponse().getResult() + 1)).build();
        assertEquals(Verdict.MISMATCH, adds.verify(5, wrongSum), "expected a wrong sum to be a mismatch");
        RequestScript echoes = new RequestScript(1, 13, 1, 0, 1);
        assertEquals(Verdict.MISMATCH, adds.verify(5, RequestHandler.handle(echoes.request(5))),
                "expected an echo answer to an add to be a mismatch");
        assertEquals(Verdict.ERROR_ANSWER, adds.verify(5, Messages.error(ErrorResponse.Code.SERVER_BUSY, "busy")),
                "expected an ErrorResponse to count as an error answer");
    }

    @Test
    void theMixDecidesTheKindOfEachRequest() {
        RequestScript script = new RequestScript(0, 13, 3, 1, 1);
        int echoes = 0;
        for (long n = 0; n < 400; n++) {
            echoes += script.request(n).hasEchoMessage() ? 1 : 0;
        }
        assertEquals(300, echoes, "expected 3 echoes for every add");
        assertNotEquals(script.request(0), new RequestScript(1, 13, 3, 1, 1).request(0),
                "expected different connections to send different content");
        assertTrue(new RequestScript(0, 13, 0, 1, 1).request(0).hasAddRequest(), "expected mix 0:1 to send adds only");
    }
}
