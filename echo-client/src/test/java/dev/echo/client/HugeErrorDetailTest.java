package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.testkit.MisbehavingServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An untrusted server's error detail of a megabyte: the exception's message, which ends up in logs and
 * on terminals, holds its escaped start; {@link ServerErrorException#detail()} holds it whole, for a
 * caller that wants it.
 */
@Timeout(60)
class HugeErrorDetailTest {
    @Test
    void theMessageIsBoundedAndTheDetailWhole() throws Exception {
        String detail = "\u001b[2Jbad\nFAKE LINE " + "x".repeat(1 << 20);
        byte[] answer = Framing.DELIMITED.encode(Messages.error(ErrorResponse.Code.MALFORMED_MESSAGE, detail));
        try (MisbehavingServer server = MisbehavingServer.plain(MisbehavingServer.answerWith(answer));
             EchoClient client = EchoClient.connect(ClientConfig.builder().port(server.port())
                     .requestTimeout(Duration.ofSeconds(20)).build())) {
            ServerErrorException error = assertThrows(ServerErrorException.class, () -> client.echo("hi"));
            assertEquals("MALFORMED_MESSAGE: \\u001b[2Jbad\\u000aFAKE LINE " + "x".repeat(300 - 18) + "... ("
                    + (detail.length() - 300) + " more characters)", error.getMessage());
            assertEquals(detail, error.detail(), "as sent, whole");
            assertTrue(error.getMessage().lines().count() == 1, "one line");
        }
    }
}
