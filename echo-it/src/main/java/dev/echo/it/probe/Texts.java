package dev.echo.it.probe;

/** Texts for the probe's echoes. */
final class Texts {
    private Texts() {}

    /**
     * {@code length} characters of a pattern without newlines or DC2 (0x0a, 0x12), so that no
     * fragment of the text reads as the tag of a ClientMessage field: a server that parses pieces of
     * a request alone cannot stumble on a valid request by chance.
     */
    static String text(String prefix, int length) {
        StringBuilder text = new StringBuilder(prefix);
        String pattern = "0123456789abcdefghijklmnopqrstuvwxyz";
        while (text.length() < length) {
            text.append(pattern.charAt(text.length() % pattern.length()));
        }
        text.setLength(length);
        return text.toString();
    }
}
