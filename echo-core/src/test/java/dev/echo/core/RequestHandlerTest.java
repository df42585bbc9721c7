package dev.echo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import org.junit.jupiter.api.Test;

class RequestHandlerTest {

    @Test
    void echoReturnsTheContentUnchanged() {
        ServerMessage answer = RequestHandler.handle(Frames.echo("Hello, World! ✓ 🌍"));
        assertEquals("Hello, World! ✓ 🌍", answer.getEchoMessage().getContent(), "echoed content");
    }

    @Test
    void addIsExact() {
        assertEquals(30, RequestHandler.handle(Frames.add(10, 20)).getAddResponse().getResult(), "10 + 20");
        assertEquals(Integer.MAX_VALUE,
                RequestHandler.handle(Frames.add(Integer.MAX_VALUE - 1, 1)).getAddResponse().getResult(), "edge");
        assertEquals(-1, RequestHandler.handle(Frames.add(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .getAddResponse().getResult(), "MIN + MAX");
    }

    @Test
    void overflowIsAnErrorNeverAWrappedSum() {
        ServerMessage up = RequestHandler.handle(Frames.add(Integer.MAX_VALUE, 1));
        assertEquals(ErrorResponse.Code.ADD_OVERFLOW, up.getError().getCode(), "MAX + 1");
        assertEquals("2147483647 + 1 overflows int32", up.getError().getDetail(), "detail names the operands");
        ServerMessage down = RequestHandler.handle(Frames.add(Integer.MIN_VALUE, -1));
        assertEquals(ErrorResponse.Code.ADD_OVERFLOW, down.getError().getCode(), "MIN - 1");
    }

    @Test
    void emptyRequestIsAnError() {
        ServerMessage answer = RequestHandler.handle(ClientMessage.getDefaultInstance());
        assertEquals(ErrorResponse.Code.EMPTY_REQUEST, answer.getError().getCode(), "empty ClientMessage");
    }
}
