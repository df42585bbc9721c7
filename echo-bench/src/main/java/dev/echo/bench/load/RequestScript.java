package dev.echo.bench.load;

import dev.echo.core.AnswerCheck;
import dev.echo.core.Messages;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The requests one connection sends, in order, and the one right answer to each, so every answer
 * can be checked for content and for order.
 *
 * <p>Request {@code n} is an echo or an add by the mix ({@code n mod (E+A) < E} is an echo). An echo's
 * content is {@code size} bytes tagged with {@code n mod window} and the connection id; the window
 * is larger than the requests in flight, so an answer that belongs to any other in-flight request
 * differs from the expected one. An add is {@code (n mod 1,000,000) + connection id}, unique per n.
 * Echo requests and their answers are built once per slot, so the generator spends little CPU per
 * request: an echo's answer is checked by {@link AnswerCheck#matches} against the answer worked out
 * once (comparing bytes, allocating nothing); an add's by {@link AnswerCheck#isAnswerTo}.
 */
public final class RequestScript {
    private final int connectionId;
    private final int echoWeight;
    private final int cycle;
    private final ClientMessage[] echoRequests;
    /** The one right answer to each echo slot's request. */
    private final ServerMessage[] echoAnswers;

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
        this.echoAnswers = new ServerMessage[window];
        for (int slot = 0; slot < window; slot++) {
            echoRequests[slot] = Messages.echo(new String(content(size, slot, connectionId), StandardCharsets.US_ASCII));
            echoAnswers[slot] = RequestHandler.handle(echoRequests[slot]);
            // protobuf keeps a string field's UTF-8 bytes once asked for them: asked now, every send
            // writes those bytes and every check compares them instead of encoding the text again.
            echoRequests[slot].getEchoMessage().getContentBytes();
            echoAnswers[slot].getEchoMessage().getContentBytes();
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
        return Messages.add(addend(n), connectionId);
    }

    /** How the answer to the {@code n}-th request compares with the one right answer. */
    public Verdict verify(long n, ServerMessage answer) {
        if (answer.hasError()) {
            return Verdict.ERROR_ANSWER; // no request of the script is one the service must refuse
        }
        // Compared with answers worked out once (echo) or an int (add: the script's sums, under
        // 1,000,000 plus a connection id, cannot overflow), so checking allocates nothing per request.
        boolean right = isEcho(n)
                ? AnswerCheck.matches(echoAnswers[(int) (n % echoAnswers.length)], answer)
                : answer.hasAddResponse() && answer.getAddResponse().getResult() == addend(n) + connectionId;
        return right ? Verdict.OK : Verdict.MISMATCH;
    }

    /** What was expected of the {@code n}-th request and what came instead, when it was not right. */
    public Optional<String> mismatch(long n, ServerMessage answer) {
        return AnswerCheck.mismatch(request(n), answer);
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
