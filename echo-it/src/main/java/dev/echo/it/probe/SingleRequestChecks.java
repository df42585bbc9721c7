package dev.echo.it.probe;

import com.google.protobuf.CodedOutputStream;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Checks of one request and its one answer, on one connection. */
final class SingleRequestChecks {
    private SingleRequestChecks() {}

    static String echo(Target target) throws CheckFailedException {
        ProbeConnection connection = target.connect();
        connection.exchange(Messages.echo("Hello, World!"));
        return "echoed";
    }

    static String largeEcho(Target target) throws CheckFailedException {
        String text = Texts.text("large-", 4096);
        ProbeConnection connection = target.connect();
        connection.exchange(Messages.echo(text));
        return "4096 chars echoed whole";
    }

    static String add(Target target) throws CheckFailedException {
        target.connect().exchange(Messages.add(10, 20));
        return "30";
    }

    static String addOverflow(Target target) throws CheckFailedException {
        ServerMessage answer = target.connect().send(Messages.add(Integer.MAX_VALUE, 1)).answer();
        if (answer.hasAddResponse()) {
            throw new CheckFailedException("got the wrapped sum " + answer.getAddResponse().getResult());
        }
        Answers.expectError(answer, ErrorResponse.Code.ADD_OVERFLOW);
        return "ADD_OVERFLOW";
    }

    /**
     * An empty message is a zero length prefix in the delimited framing. The raw framing has no bytes
     * for it, so there the request is a message with neither field: one unknown, empty field (15).
     */
    static String emptyRequest(Target target) throws CheckFailedException {
        byte[] empty = target.framing() == Framing.DELIMITED ? new byte[] {0x00} : new byte[] {0x7a, 0x00};
        Answers.expectError(target.connect().write(empty).answer(), ErrorResponse.Code.EMPTY_REQUEST);
        return "EMPTY_REQUEST";
    }

    /**
     * Three 0xff bytes are a varint cut short, so no ClientMessage. Delimited, they are the body of a
     * 3-byte frame and the connection must go on; raw, they are the body of field 1 (echo_message),
     * and a raw server cannot be asked to resynchronise after it.
     */
    static String malformed(Target target) throws CheckFailedException {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        ProbeConnection connection = target.connect();
        connection.write(concat(target.framing() == Framing.DELIMITED ? new byte[] {0x03} : new byte[] {0x0a, 0x03}, garbage));
        Answers.expectError(connection.answer(), ErrorResponse.Code.MALFORMED_MESSAGE);
        if (target.framing() == Framing.RAW) {
            return "MALFORMED_MESSAGE";
        }
        try {
            connection.exchange(Messages.echo("after garbage"));
        } catch (CheckFailedException e) {
            throw e.in("MALFORMED_MESSAGE came, then the next request on the same connection");
        }
        return "MALFORMED_MESSAGE, then the next request answered";
    }

    static byte[] varint(long value) {
        byte[] bytes = new byte[CodedOutputStream.computeUInt64SizeNoTag(value)];
        try {
            CodedOutputStream.newInstance(bytes).writeUInt64NoTag(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the array has the varint's size
        }
        return bytes;
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
