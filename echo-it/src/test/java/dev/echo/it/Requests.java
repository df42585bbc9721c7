package dev.echo.it;

import dev.echo.core.Framing;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Requests as bytes on the wire, with the answers the service must give them. */
record Requests(List<ClientMessage> messages, byte[] bytes) {

    static ClientMessage echo(String text) {
        return ClientMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(text)).build();
    }

    static ClientMessage add(int a, int b) {
        return ClientMessage.newBuilder().setAddRequest(AddRequest.newBuilder().setA(a).setB(b)).build();
    }

    /**
     * {@code count} mixed requests: echoes of short, multi-byte and 300-byte texts (a 2-byte length
     * prefix), adds (one overflowing now and then).
     */
    static Requests mixed(Framing framing, int count) {
        List<ClientMessage> messages = new ArrayList<>(count);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int r = 0; r < count; r++) {
            ClientMessage message = switch (r % 5) {
                case 0 -> echo("request " + r);
                case 1 -> add(r, -3 * r);
                case 2 -> echo("ünïcödé ✓ 🚀 " + r);
                case 3 -> echo(("long " + r + " ").repeat(40));
                default -> add(Integer.MAX_VALUE, r % 10 == 4 ? 1 : -r);
            };
            messages.add(message);
            bytes.writeBytes(framing.encode(message));
        }
        return new Requests(List.copyOf(messages), bytes.toByteArray());
    }

    List<ServerMessage> expectedAnswers() {
        return messages.stream().map(RequestHandler::handle).toList();
    }
}
