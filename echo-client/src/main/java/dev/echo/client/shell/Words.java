package dev.echo.client.shell;

import java.util.List;
import org.jline.reader.EOFError;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;

/**
 * Quoting, as JLine's {@link DefaultParser} defines it (the interactive shell's line editor uses the
 * same rules): words split on whitespace, {@code "double"} and {@code 'single'} quotes group, a
 * backslash escapes the next character (inside quotes only a quote or a backslash).
 */
final class Words {
    /** Stateless once built; an unclosed quote is an error here, not a request for another line. */
    private static final DefaultParser PARSER = new DefaultParser().eofOnUnclosedQuote(true).eofOnEscapedNewLine(false);

    private Words() {}

    /** The words of {@code text}, quotes removed. */
    static List<String> split(String text) throws UsageException {
        if (text.isBlank()) {
            return List.of(); // JLine makes one empty word of it
        }
        try {
            return PARSER.parse(text, text.length(), ParseContext.ACCEPT_LINE).words();
        } catch (EOFError e) {
            throw new UsageException("unclosed quote in: " + text);
        }
    }

    /**
     * The content of the quoted string if {@code text} is exactly one (trailing blanks aside), else
     * {@code text} verbatim: {@code "  padded "} is {@code   padded }, {@code "a" "b"} stays as it is.
     */
    static String unquoteWhole(String text) {
        String quoted = text.stripTrailing();
        int last = quoted.length() - 1;
        if (last < 1 || !PARSER.isQuoteChar(quoted, 0) || !PARSER.isQuoteChar(quoted, last)
                || quoted.charAt(last) != quoted.charAt(0)) {
            return text;
        }
        for (int i = 1; i < last; i++) {
            if (quoted.charAt(i) == quoted.charAt(0) && PARSER.isQuoteChar(quoted, i)) {
                return text; // closes before the end: more than one quoted string
            }
        }
        try {
            List<String> words = split(quoted);
            return words.isEmpty() ? "" : words.get(0); // JLine yields no word at all for a lone ""
        } catch (UsageException e) {
            return text;
        }
    }
}
