package dev.echo.core;

import com.google.protobuf.DiscardUnknownFieldsParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.echo.core.proto.AddRequest;
import dev.echo.core.proto.AddResponse;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.EchoMessage;
import dev.echo.core.proto.ErrorResponse;
import dev.echo.core.proto.ServerMessage;
import java.util.Locale;

/**
 * Every request and answer of the protocol, built in one place, and described the same way in
 * every tool's output and every test's failure message.
 */
public final class Messages {
    private static final int DESCRIBED_TEXT_CHARS = 40;
    /**
     * Most characters of a peer's prose (an error answer's detail) that a tool prints: enough for any
     * reason a person reads; the server is untrusted, and one sent a megabyte, printed as one 2 MB line.
     */
    public static final int PRINTED_DETAIL_CHARS = 300;

    private Messages() {}

    /**
     * Skips unknown fields instead of keeping them, as {@link RequestHandler#requestParser()} does for
     * servers: the server a client reads is untrusted, and an answer of 4 MiB of unknown fields, kept,
     * cost a client 306 MB of allocation, 122 MB held and 2 s of CPU (an attacker's measurement).
     */
    private static final Parser<ServerMessage> ANSWER_PARSER = DiscardUnknownFieldsParser.wrap(ServerMessage.parser());

    /** The parser clients read answers with: {@link ServerMessage#parser()}, unknown fields skipped, not kept. */
    public static Parser<ServerMessage> answerParser() {
        return ANSWER_PARSER;
    }

    /** A request to echo {@code content}. */
    public static ClientMessage echo(String content) {
        return ClientMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(content)).build();
    }

    /** A request for {@code a + b}. */
    public static ClientMessage add(int a, int b) {
        return ClientMessage.newBuilder().setAddRequest(AddRequest.newBuilder().setA(a).setB(b)).build();
    }

    /** The answer echoing {@code content}. */
    public static ServerMessage echoAnswer(String content) {
        return ServerMessage.newBuilder().setEchoMessage(EchoMessage.newBuilder().setContent(content)).build();
    }

    /** The answer to an add whose sum is {@code result}. */
    public static ServerMessage sum(int result) {
        return ServerMessage.newBuilder().setAddResponse(AddResponse.newBuilder().setResult(result)).build();
    }

    /** An error answer with {@code code} and a human-readable {@code detail}. */
    public static ServerMessage error(ErrorResponse.Code code, String detail) {
        return error(code.getNumber(), detail);
    }

    /** An error answer by its code's number, which may be one this build does not know (a newer server's). */
    public static ServerMessage error(int codeNumber, String detail) {
        return ServerMessage.newBuilder()
                .setError(ErrorResponse.newBuilder().setCodeValue(codeNumber).setDetail(detail))
                .build();
    }

    /** {@code echo 'Hello'}, {@code add 10 20}, {@code an empty request}. */
    public static String describe(ClientMessage request) {
        return switch (request.getMessageCase()) {
            case ECHO_MESSAGE -> "echo " + describe(request.getEchoMessage().getContent());
            case ADD_REQUEST -> "add " + request.getAddRequest().getA() + " " + request.getAddRequest().getB();
            case MESSAGE_NOT_SET -> "an empty request";
        };
    }

    /** {@code echo 'Hello'}, {@code add_response 30}, {@code error ADD_OVERFLOW '...'}. */
    public static String describe(ServerMessage answer) {
        return switch (answer.getMessageCase()) {
            case ECHO_MESSAGE -> "echo " + describe(answer.getEchoMessage().getContent());
            case ADD_RESPONSE -> "add_response " + answer.getAddResponse().getResult();
            case ERROR -> "error " + answer.getError().getCode() + " '" + printableDetail(answer.getError().getDetail()) + "'";
            case MESSAGE_NOT_SET -> "an empty answer";
        };
    }

    /**
     * Short texts whole and quoted; long ones as their start and their length; control characters
     * as {@link #printable} writes them, since the text may be a peer's and end up in a log or on a
     * terminal.
     */
    public static String describe(String text) {
        return text.length() <= DESCRIBED_TEXT_CHARS
                ? "'" + printable(text) + "'"
                : "'" + printable(text.substring(0, 24)) + "...' (" + text.length() + " chars)";
    }

    /**
     * {@code text} with every control character (ESC, BEL, CR, LF, C1 ...), bidirectional override or
     * isolate and line or paragraph separator written as a backslash, u and four hex digits: text from
     * a peer, which must not move a terminal's cursor, retitle it, forge a second line of a log, or
     * show its characters in another order than they came (U+202E). Other format characters stay: the
     * zero-width joiner is part of emoji.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unprintable(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * A peer's prose (an error answer's detail) as a tool prints it in a line: {@link #bounded}, then
     * {@link #printable}, so that neither its length nor its control characters can flood or drive a
     * terminal or forge a line of a log.
     */
    public static String printableDetail(String text) {
        return printable(bounded(text));
    }

    /**
     * {@code text} whole if it has at most {@value #PRINTED_DETAIL_CHARS} characters, else its first
     * ones and {@code ... (N more characters)}; never cut inside a surrogate pair. Unescaped: for
     * output formats with escapes of their own (JSON); {@link #printableDetail} for text.
     */
    public static String bounded(String text) {
        if (text.length() <= PRINTED_DETAIL_CHARS) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(PRINTED_DETAIL_CHARS - 1)) ? PRINTED_DETAIL_CHARS - 1
                : PRINTED_DETAIL_CHARS;
        int more = text.length() - cut;
        return text.substring(0, cut) + "... (" + more + (more == 1 ? " more character)" : " more characters)");
    }

    /**
     * True for a character {@link #printable} escapes: a control character (C0, DEL, C1), a bidi mark,
     * embedding, override or isolate, or U+2028/U+2029. For output formats with escapes of their own (JSON).
     */
    public static boolean unprintable(char c) {
        return Character.isISOControl(c) || reordersOrBreaksLines(c);
    }

    /** The bidi marks, embeddings, overrides and isolates, and U+2028/U+2029, which some viewers break lines at. */
    private static boolean reordersOrBreaksLines(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\u2028' || c == '\u2029';
    }

    /**
     * Why a frame is not a valid message, in protobuf's first sentence ({@code Protocol message had too
     * many levels of nesting}): its next ones tell a developer how to raise a limit ({@code Use
     * CodedInputStream.setRecursionLimit() to increase the depth limit}), no use in a tool's one line
     * or an error answer's detail, where a peer's bad frame is reported.
     */
    public static String unparsable(InvalidProtocolBufferException e) {
        String message = String.valueOf(e.getMessage()).strip();
        int end = message.indexOf(". ");
        String first = end < 0 ? message : message.substring(0, end);
        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    }
}
