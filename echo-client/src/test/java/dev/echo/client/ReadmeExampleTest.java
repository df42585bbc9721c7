package dev.echo.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The README's library example is this code: it compiles, and the README shows it as it is. */
class ReadmeExampleTest {

    @SuppressWarnings({"unused", "EmptyCatch"})
    static void example(MeterRegistry registry) {
        // README begin
        ClientConfig config = ClientConfig.builder()
                .addresses("10.0.0.1:8080", "10.0.0.2:8080") // or .host(h).port(p); a name resolving to several uses all
                .requestTimeout(Duration.ofSeconds(2))         // each call's deadline, retries included; default 30s
                .maxInFlight(512)                              // past it a call waits for room until its deadline
                .build();
        try (EchoClient client = EchoClient.connect(config)) { // ConnectionLostException if no address answers
            String text = client.echo("Hello, World!");        // blocking; safe from any number of threads
            int sum = client.add(10, 20);
            CompletableFuture<String> later = client.echoAsync("async"); // completes on the client's reader thread
            try {
                client.add(Integer.MAX_VALUE, 1);
            } catch (ServerErrorException e) {                 // the server's error answer: e.code() == ADD_OVERFLOW
            } catch (RequestTimeoutException e) {              // deadline passed; e.wasWritten() says if it was sent
            } catch (EchoClientException e) {                  // ConnectionLostException, BadAnswerException, ClientClosedException
            }
            ClientStats stats = client.stats();                // sent, answered, retried, timed out, p99 ...
            new EchoClientMetrics(client, Tags.empty()).bindTo(registry); // optional: needs micrometer-core
        }
        EchoClient strict = EchoClient.connect(config.toBuilder().noRetries().build()); // every failure reaches you at once
        // README end
        strict.close();
    }

    @Test
    void theReadmeShowsTheExampleAsItIs() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/echo/client/ReadmeExampleTest.java"));
        String code = source.substring(source.indexOf("// README begin\n") + "// README begin\n".length(),
                source.indexOf("        // README end"));
        String unindented = code.lines().map(line -> line.length() >= 8 ? line.substring(8) : line)
                .reduce("", (a, b) -> a + b + "\n");
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + unindented + "```"),
                "README.md's library example differs from ReadmeExampleTest.example:\n" + unindented);
    }
}
