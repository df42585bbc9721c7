package dev.echo.bench.load;

import com.google.protobuf.ByteString;
import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The requests one connection sends, in order, and the one right answer to each, so every answer
 * can be checked for content and for order.
 *
 * <p>Request {@code n} is an echo or an add by the mix ({@code n mod (E+A) < E} is an echo). An echo's
 * content is {@code size} bytes tagged with {@code n mod window} and the connection id; the window
 * is larger than the requests in flight, so an answer that belongs to any other in-flight request
 * differs from the expected one. An add is {@code (n mod 1,000,000) + connection id}, unique per n.
 * Echo requests are built once per slot, so the generator spends little CPU per request.
 */
public final class RequestScript {
    private final int connectionId;
    private final int echoWeight;
    private final int cycle;
    private final ClientMessage[] echoRequests;
    private final ByteString[] echoContents;

    /**
     * @param connectionId 0 or more
     * @param size echo content bytes, 0 or more
     * @param echoWeight echo share of the mix
     * @param addWeight add share of the mix
     * @param inFlight most requests in flight at once, at least 1
     */
    public RequestScript(int connectionId, int size, int echoWeight, int addWeight, int inFlight) {
        if (connectionId < 0 || size < 0 || echoWeight < 0 || addWeight < 0 || echoWeight + addWeight == 0
                || inFlight < 1) {
            throw new IllegalArgumentException("bad request script: connection " + connectionId + ", size " + size
                    + ", mix " + echoWeight + ":" + addWeight + ", in flight " + inFlight);
        }
        this.connectionId = connectionId;
        this.echoWeight = echoWeight;
        this.cycle = echoWeight + addWeight;
        int window = echoWeight == 0 ? 0 : Math.max(16, 2 * inFlight);
        this.echoRequests = new ClientMessage[window];
        this.echoContents = new ByteString[window];
        for (int slot = 0; slot < window; slot++) {
            ByteString content = ByteString.copyFrom(content(size, slot, connectionId));
            echoContents[slot] = content;
            echoRequests[slot] = ClientMessage.newBuilder()
                    .setEchoMessage(EchoMessage.newBuilder().setContentBytes(content))
                    .build();
        }
    }

    /** Exactly {@code size} ASCII bytes beginning with "slot.connection" in base 36, then a filler. */
    static byte[] content(int size, int slot, int connectionId) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) ('a' + slot % 26));
        byte[] tag = (Integer.toString(slot, 36) + "." + Integer.toString(connectionId, 36) + ".")
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, bytes, 0, Math.min(tag.length, size));
        return bytes;
    }

    private boolean isEcho(long n) {
        return n % cycle < echoWeight;
    }

    private int addend(long n) {
        return (int) (n % 1_000_000);
    }

    /** The {@code n}-th request (n from 0). */
    public ClientMessage request(long n) {
        if (isEcho(n)) {
            return echoRequests[(int) (n % echoRequests.length)];
        }
        return ClientMessage.newBuilder()
                .setAddRequest(AddRequest.newBuilder().setA(addend(n)).setB(connectionId))
                .build();
    }

    /** How the answer to the {@code n}-th request compares with the one right answer. */
    public Verdict verify(long n, ServerMessage answer) {
        if (answer.hasError()) {
            return Verdict.ERROR_ANSWER;
        }
        if (isEcho(n)) {
            return answer.hasEchoMessage()
                    && answer.getEchoMessage().getContentBytes().equals(echoContents[(int) (n % echoContents.length)])
                    ? Verdict.OK : Verdict.MISMATCH;
        }
        return answer.hasAddResponse() && answer.getAddResponse().getResult() == addend(n) + connectionId
                ? Verdict.OK : Verdict.MISMATCH;
    }

    /** What an answer was. */
    public enum Verdict {
        /** The expected answer. */
        OK,
        /** A value answer that is not the expected one: wrong content, wrong sum or out of order. */
        MISMATCH,
        /** An ErrorResponse where a value was expected. */
        ERROR_ANSWER
    }
}
