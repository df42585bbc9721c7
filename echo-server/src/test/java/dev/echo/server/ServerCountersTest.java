package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.echo.core.FrameFailure;
import dev.echo.core.Messages;
import dev.echo.core.Refusal;
import dev.echo.core.RequestHandler;
import dev.echo.core.RequestKind;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse.Code;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each event is counted in one call (a refusal's answer in a second, once written), and requests are counted by the core's kinds and rules. */
class ServerCountersTest {
    private final ServerCounters counters = new ServerCounters(new ServerEvents(), null);

    /** A rejection is one call, its SERVER_BUSY another once written: a TLS refusal may end without it. */
    @Test
    void aRejectionIsOneCallAndItsServerBusyCountsOnceSent() {
        counters.rejected(new InetSocketAddress("127.0.0.1", 6001), 3);
        ServerStats stats = counters.snapshot(0);
        assertEquals(1, stats.connectionsRejected(), "the connection refused");
        assertEquals(Map.of(), stats.errors(), "no SERVER_BUSY before it is written");
        counters.refusalSent(Refusal.CONNECTION_LIMIT, 46);
        stats = counters.snapshot(0);
        assertEquals(Map.of(Code.SERVER_BUSY, 1L), stats.errors(), "its SERVER_BUSY, and nothing else");
        assertEquals(46, stats.bytesOut(), "its bytes");
        assertEquals(0, stats.requestsAnswered(), "a refused connection sent no request");
    }

    @Test
    void aConnectionRefusedForBuffersIsARejectionOverBudget() {
        counters.refusedForBuffers(new InetSocketAddress("127.0.0.1", 6002), "another TLS connection");
        ServerStats stats = counters.snapshot(0);
        assertEquals(1, stats.connectionsRejected(), "the connection refused");
        assertEquals(1, stats.bufferBudgetRefusals(), "for want of buffers");
        assertEquals(Map.of(), stats.errors(), "no SERVER_BUSY before it is written");
        counters.refusalSent(Refusal.OUT_OF_BUFFERS, 60);
        stats = counters.snapshot(0);
        assertEquals(Map.of(Code.SERVER_BUSY, 1L), stats.errors(), "its SERVER_BUSY once sent, and nothing else");
        assertEquals(60, stats.bytesOut(), "its bytes");
    }

    @Test
    void everyKindIsCountedUnderItselfWhateverItsAnswer() {
        for (RequestKind kind : RequestKind.values()) {
            ClientMessage request = switch (kind) {
                case ECHO -> Messages.echo("x");
                case ADD -> Messages.add(Integer.MAX_VALUE, 1); // answered ADD_OVERFLOW
                case EMPTY -> ClientMessage.getDefaultInstance();
            };
            counters.answered(RequestKind.of(request), RequestHandler.handle(request), 0);
        }
        counters.answered(RequestKind.ECHO, 0); // an echo copied whole
        ServerStats stats = counters.snapshot(0);
        assertEquals(Map.of(RequestKind.ECHO, 2L, RequestKind.ADD, 1L, RequestKind.EMPTY, 1L), stats.requests(),
                "each kind under itself");
        assertEquals(Map.of(Code.ADD_OVERFLOW, 1L, Code.EMPTY_REQUEST, 1L), stats.errors(), "the error answers");
        assertEquals(4, stats.requestsAnswered(), "each request once, its error answer not again");
    }

    @Test
    void framesAnsweredBeforeTheyWereRequestsCountUnlessServerBusy() {
        counters.answered(null, FrameFailure.TOO_LARGE.answer("too large"), 0);
        counters.answered(null, FrameFailure.UNPARSABLE.answer("not a ClientMessage"), 0);
        counters.answered(null, Refusal.shuttingDown(), 0);
        counters.answered(null, FrameFailure.OVER_BUDGET.answer("out of buffer space"), 0);
        ServerStats stats = counters.snapshot(0);
        assertEquals(Map.of(), stats.requests(), "no kind: none was parsed");
        assertEquals(4, stats.errorTotal(), "every error answer");
        assertEquals(3, stats.requestsAnswered(), "all but SERVER_BUSY");
    }

    @Test
    void bytesAreAddedAsTheyMove() {
        counters.bytesIn(10);
        counters.bytesIn(5);
        counters.bytesOut(7);
        counters.accepted();
        ServerStats stats = counters.snapshot(1);
        assertEquals(15, stats.bytesIn(), "bytes in");
        assertEquals(7, stats.bytesOut(), "bytes out");
        assertEquals(1, stats.connectionsAccepted(), "accepted");
        assertEquals(15, counters.bytesReceived(), "read for a scrape");
    }
}
