package dev.echo.it;

import dev.echo.client.ClientConfig;
import dev.echo.client.EchoClient;
import dev.echo.core.Framing;
import java.io.IOException;
import java.time.Duration;

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

    static EchoClient connect(int port) throws IOException {
        return EchoClient.connect(config(port));
    }
}
