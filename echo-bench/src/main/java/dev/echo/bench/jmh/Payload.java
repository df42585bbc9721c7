package dev.echo.bench.jmh;

import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;

/** The requests the benchmarks encode and decode. */
public enum Payload {
    /** "Hello, World!": a 13-byte echo. */
    ECHO_13(echo("Hello, World!")),
    /** A 1 KiB echo. */
    ECHO_1K(echo("x".repeat(1024))),
    /** add(123456, 654321). */
    ADD(ClientMessage.newBuilder().setAddRequest(AddRequest.newBuilder().setA(123_456).setB(654_321)).build());

    private final ClientMessage request;

    Payload(ClientMessage request) {
        this.request = request;
    }

    public ClientMessage request() {
        return request;
    }

    private static ClientMessage echo(String content) {
        return ClientMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(content)).build();
    }
}
