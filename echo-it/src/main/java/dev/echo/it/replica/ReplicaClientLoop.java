package dev.echo.it.replica;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The per-client code both original designs share, defects included: each {@code read()} of up to
 * 512 bytes is taken as exactly one raw message. What TCP split, coalesced or pipelined is lost or
 * misread (two echoes in one read parse as one, the last one's content winning); an undecodable
 * read or an empty message gets no answer; add requests are never answered.
 */
final class ReplicaClientLoop {
    static final int READ_BUFFER_BYTES = 512;

    private ReplicaClientLoop() {}

    /** Serves {@code client} until it closes; an I/O error (a reset) is thrown to the caller. */
    static void serve(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (true) {
            int n = in.read(buffer);
            if (n <= 0) {
                return;
            }
            ClientMessage request;
            try {
                request = ClientMessage.parseFrom(ByteBuffer.wrap(buffer, 0, n));
            } catch (InvalidProtocolBufferException undecodable) {
                continue; // the original logs and answers nothing
            }
            if (request.hasEchoMessage()) {
                ServerMessage.newBuilder().setEchoMessage(request.getEchoMessage()).build().writeTo(out);
                out.flush();
            }
            // An add request, or a message with neither: no answer, as in the original.
        }
    }
}
