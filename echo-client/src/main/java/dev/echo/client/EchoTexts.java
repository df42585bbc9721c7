package dev.echo.client;

import java.util.Locale;
import java.util.Objects;

/** The check an echo text passes before it is sent. */
final class EchoTexts {
    private EchoTexts() {}

    /**
     * {@code text}, if it can be sent: protobuf writes a string as UTF-8, and an unpaired surrogate
     * has none, so it went out as '?' and the echo that came back was taken for another request's
     * answer, the connection closed as the server's fault.
     *
     * @throws NullPointerException for null
     * @throws IllegalArgumentException naming the unpaired surrogate and where it is
     */
    static String sendable(String text) {
        Objects.requireNonNull(text, "text");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one code point
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "text has an unpaired surrogate \\u%04x at index %d of %d: it has no UTF-8 form to send",
                        (int) c, i, text.length()));
            }
        }
        return text;
    }
}
