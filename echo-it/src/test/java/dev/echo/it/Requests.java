package dev.echo.it;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Requests as bytes on the wire, with the answers the service must give them. */
record Requests(List<ClientMessage> messages, byte[] bytes) {

    /**
     * {@code count} mixed requests: echoes of short, multi-byte and 300-byte texts (a 2-byte length
     * prefix), adds (one overflowing now and then).
     */
    static Requests mixed(Framing framing, int count) {
        List<ClientMessage> messages = new ArrayList<>(count);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int r = 0; r < count; r++) {
            ClientMessage message = switch (r % 5) {
                case 0 -> Messages.echo("request " + r);
                case 1 -> Messages.add(r, -3 * r);
                case 2 -> Messages.echo("ünïcödé ✓ 🚀 " + r);
                case 3 -> Messages.echo(("long " + r + " ").repeat(40));
                default -> Messages.add(Integer.MAX_VALUE, r % 10 == 4 ? 1 : -r);
            };
            messages.add(message);
            bytes.writeBytes(framing.encode(message));
        }
        return new Requests(List.copyOf(messages), bytes.toByteArray());
    }
}
