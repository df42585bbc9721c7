package dev.echo.core;

import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import java.io.ByteArrayOutputStream;

/** Small builders for the codec tests. */
final class Frames {
    private Frames() {}

    static ClientMessage echo(String content) {
        return ClientMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(content)).build();
    }

    static ClientMessage add(int a, int b) {
        return ClientMessage.newBuilder().setAddRequest(AddRequest.newBuilder().setA(a).setB(b)).build();
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code n} copies of {@code part}, back to back. */
    static byte[] repeat(byte[] part, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(part.length * n);
        for (int i = 0; i < n; i++) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
