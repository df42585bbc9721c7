package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules servers count by: the kind of each request, and which error answers answer a request. */
class CountingRulesTest {

    @Test
    void everyFieldOfTheOneofIsItsOwnKind() {
        Set<RequestKind> seen = EnumSet.noneOf(RequestKind.class);
        for (ClientMessage.MessageCase field : ClientMessage.MessageCase.values()) {
            seen.add(RequestKind.of(field));
        }
        assertEquals(EnumSet.allOf(RequestKind.class), seen, "expected each kind reached by exactly one field");
        assertEquals(ClientMessage.MessageCase.values().length, seen.size(), "expected no two fields of one kind");
        assertEquals(RequestKind.ECHO, RequestKind.of(Messages.echo("x")), "an echo");
        assertEquals(RequestKind.ADD, RequestKind.of(Messages.add(1, 2)), "an add");
        assertEquals(RequestKind.EMPTY, RequestKind.of(ClientMessage.getDefaultInstance()), "an empty request");
        assertEquals("add", RequestKind.ADD.label(), "the label metrics use");
    }

    @Test
    void everyCodeButServerBusyAnswersARequest() {
        for (ErrorResponse.Code code : ErrorCodes.ALL) {
            boolean expected = code != ErrorResponse.Code.SERVER_BUSY && code != ErrorResponse.Code.CODE_UNSPECIFIED;
            assertEquals(expected, ErrorCodes.answersRequest(code), code + " answers a request");
        }
        assertFalse(ErrorCodes.ALL.contains(ErrorResponse.Code.UNRECOGNIZED), "expected protobuf's stand-in left out");
    }

    @Test
    void refusalsCarryTheirCodesAndSayWhy() {
        assertEquals(Messages.error(ErrorResponse.Code.SERVER_BUSY, "server is at its limit of 3 connections"),
                Refusal.atConnectionLimit(3), "the answer at the connection limit");
        assertEquals(ErrorResponse.Code.SHUTTING_DOWN, Refusal.shuttingDown().getError().getCode(), "at shutdown");
        assertTrue(ErrorCodes.answersRequest(Refusal.SHUTTING_DOWN.code()), "a refused request was still answered");
        assertFalse(ErrorCodes.answersRequest(Refusal.CONNECTION_LIMIT.code()), "a refused connection sent no request");
    }
}
