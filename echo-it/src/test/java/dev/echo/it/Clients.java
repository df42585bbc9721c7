package dev.echo.it;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoConnection;
import dev.echo.client.ServerErrorException;
import dev.echo.core.Framing;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;

/** Client configurations for the suite: always 127.0.0.1, with timeouts short enough to fail a test. */
final class Clients {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private Clients() {}

    static ClientConfig config(int port) {
        return ClientConfig.builder()
                .host("127.0.0.1")
                .port(port)
                .framing(Framing.DELIMITED)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(READ_TIMEOUT)
                .build();
    }

    /** Closes every one of {@code connections}, each {@code what}, even when closing one fails. */
    static void closeAll(Collection<? extends AutoCloseable> connections, String what) {
        for (AutoCloseable connection : connections) {
            try {
                connection.close();
            } catch (Exception e) {
                System.err.println("echo-it: closing " + what + " failed: " + e);
            }
        }
    }

    static EchoConnection connect(int port) throws IOException {
        return EchoConnection.connect(config(port));
    }

    /**
     * A new connection that echoes {@code text} once, waiting at most {@code readTimeout} for the
     * answer: null when it was served right, otherwise what happened instead (SERVER_BUSY, a
     * timeout, a refused connection), for a test that tries until a fresh client is served.
     */
    static String echoOnce(int port, String text, Duration readTimeout) {
        try (EchoConnection client = EchoConnection.connect(config(port).toBuilder().readTimeout(readTimeout).build())) {
            String answer = client.echo(text);
            return text.equals(answer) ? null : "a wrong echo: '" + answer + "'";
        } catch (ServerErrorException e) {
            return e.code().name();
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
