package dev.echo.core;

import dev.echo.core.proto.ClientMessage;
import java.util.Locale;

/**
 * The kinds of request a client can send, one per field of {@link ClientMessage}'s {@code message}
 * oneof, plus {@link #EMPTY} for a message with none. Servers count, label and publish requests by
 * this enum (an {@link java.util.EnumMap} per kind, never a hand-written list), so a field added to
 * the oneof stops the build at {@link #of(ClientMessage.MessageCase)}, and the constant added there
 * is counted, labelled and published everywhere without another edit. Tried on 5 December: a field
 * added to the oneof failed the build at this {@code of}, {@link RequestHandler#handle} and {@link
 * Messages#describe(ClientMessage)} only; a constant added here, at no main class of echo-server.
 */
public enum RequestKind {
    /** {@code echo_message}: answered with the same content. */
    ECHO,
    /** {@code add_request}: answered with the sum, or ADD_OVERFLOW. */
    ADD,
    /** Neither field set: answered EMPTY_REQUEST. */
    EMPTY;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The kind of {@code request}. */
    public static RequestKind of(ClientMessage request) {
        return of(request.getMessageCase());
    }

    /** The kind of a request whose oneof holds {@code field}; no default, so a new field does not compile here. */
    public static RequestKind of(ClientMessage.MessageCase field) {
        return switch (field) {
            case ECHO_MESSAGE -> ECHO;
            case ADD_REQUEST -> ADD;
            case MESSAGE_NOT_SET -> EMPTY;
        };
    }

    /** {@code echo}, {@code add}, {@code empty}: the kind's name in metrics labels and log lines. */
    public String label() {
        return label;
    }
}
