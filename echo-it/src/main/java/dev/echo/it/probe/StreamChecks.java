package dev.echo.it.probe;

import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Checks of how the target finds messages in the byte stream: many in one write, one in many
 * writes, a half-close, a length it must not believe.
 *
 * <p>A server that decodes each {@code read()} alone, like the original, fails a check here only if
 * TCP happens to deliver the bytes across reads in a certain way. So that the outcome does not
 * depend on that, every request stream here is longer than 512 bytes (the original's read buffer)
 * and written so that no read boundary can line up with every message boundary: such a server
 * fails however the kernel splits or coalesces, and a correct one passes however it does.
 */
final class StreamChecks {
    static final int PIPELINED_REQUESTS = 100;
    /** Bigger than the original's 512-byte read, so no single read can hold it. */
    static final int SPLIT_CONTENT_CHARS = 600;
    static final long OVERSIZED_CLAIM_BYTES = 64L * 1024 * 1024;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private StreamChecks() {}

    /** 100 echoes of 40 characters each, about 4.4 KB in one write. */
    static String pipelined(Target target) throws CheckFailedException {
        ClientMessage[] requests = new ClientMessage[PIPELINED_REQUESTS];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = Messages.echo(Texts.text(String.format("pipelined-%03d-", i), 40));
        }
        ProbeConnection connection = target.connect().send(requests);
        for (int i = 0; i < requests.length; i++) {
            try {
                Answers.expectAnswerTo(requests[i], connection.answer());
            } catch (CheckFailedException e) {
                throw e.in("answer " + (i + 1) + " of " + requests.length + " (" + i + " right before it)");
            }
        }
        return requests.length + " answers, right and in order";
    }

    /**
     * One 600-character echo: its first 12 bytes (every header of both framings) 3 bytes per write,
     * the rest 100 bytes per write, 20 ms apart with TCP_NODELAY. The pauses shape the traffic; they
     * synchronise nothing.
     */
    static String split(Target target) throws CheckFailedException {
        String content = Texts.text("split-", SPLIT_CONTENT_CHARS);
        byte[] bytes = target.framing().encode(Messages.echo(content));
        ProbeConnection connection = target.connect();
        int writes = 0;
        for (int from = 0; from < bytes.length; writes++) {
            int to = Math.min(bytes.length, from + (from < 12 ? 3 : 100));
            connection.write(Arrays.copyOfRange(bytes, from, to));
            from = to;
            if (from < bytes.length) {
                java.util.concurrent.locks.LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
        try {
            Answers.expectAnswerTo(Messages.echo(content), connection.answer());
        } catch (CheckFailedException e) {
            throw e.in(bytes.length + " bytes in " + writes + " writes");
        }
        return bytes.length + " bytes in " + writes + " writes, answered";
    }

    /** Three 300-character echoes in one write (about 920 bytes), then shutdownOutput. */
    static String halfClose(Target target) throws CheckFailedException {
        ClientMessage[] requests = new ClientMessage[3];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = Messages.echo(Texts.text("half-close-" + i + "-", 300));
        }
        ProbeConnection connection = target.connect().send(requests);
        connection.shutdownOutput();
        for (int i = 0; i < requests.length; i++) {
            try {
                Answers.expectAnswerTo(requests[i], connection.answer());
            } catch (CheckFailedException e) {
                throw e.in("after 3 requests and a half-close, answer " + (i + 1));
            }
        }
        return "3 answers after the half-close";
    }

    /**
     * Claims a 64 MiB frame and sends none of it. A server may refuse the claim with FRAME_TOO_LARGE
     * or close; waiting for the body is the failure. Then another client must be served.
     */
    static String oversized(Target target) throws CheckFailedException {
        byte[] header = target.framing() == Framing.DELIMITED
                ? SingleRequestChecks.varint(OVERSIZED_CLAIM_BYTES)
                : SingleRequestChecks.concat(new byte[] {0x0a}, SingleRequestChecks.varint(OVERSIZED_CLAIM_BYTES));
        ProbeConnection claimant = target.connect().write(header);
        String refusal;
        try {
            ServerMessage answer = claimant.answer();
            Answers.expectError(answer, ErrorResponse.Code.FRAME_TOO_LARGE);
            refusal = "FRAME_TOO_LARGE";
        } catch (ServerClosedException closed) {
            refusal = "closed (" + closed.getMessage() + ")";
        } catch (CheckFailedException e) {
            throw e.in("claimed " + OVERSIZED_CLAIM_BYTES + " bytes, sent none of them");
        }
        try {
            target.connect().exchange(Messages.echo("after the claim"));
        } catch (CheckFailedException e) {
            throw e.in("the claim got " + refusal + "; then another client");
        }
        return refusal + ", then another client served";
    }
}
