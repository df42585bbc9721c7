package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The TLS answer deadline's race between the reader and the timer. An answer read while the timer
 * was closing the connection was returned as a success on a connection already gone, and the next
 * call failed "cannot send: Socket closed" (a helper's attack: 8 of 108 answers read within 0.5 ms
 * of a 20 ms deadline): whoever ends the answer first decides, and the reader hears if it lost.
 */
class AnswerDeadlineInputStreamTest {

    @Test
    void theReaderThatEndsFirstKeepsTheConnectionAndOneThatCameLateIsToldSo() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket layered = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket layeredPeer = listener.accept();
             Socket tcp = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket tcpPeer = listener.accept()) {
            AnswerDeadlineInputStream input = new AnswerDeadlineInputStream(layered, tcp);

            input.startAnswer(Duration.ofSeconds(30));
            assertTrue(input.answerEnded(), "read within its deadline");
            assertFalse(tcp.isClosed(), "the connection kept");

            input.startAnswer(Duration.ofMillis(1));
            Await.until("the timer closed TCP at the deadline", Duration.ofSeconds(10), tcp::isClosed, () -> "open");
            assertFalse(input.answerEnded(), "an answer read after the timer closed the connection came too late");
        }
    }
}
