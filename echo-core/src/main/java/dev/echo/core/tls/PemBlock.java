package dev.echo.core.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One {@code -----BEGIN label-----} ... {@code -----END label-----} block of a PEM file (RFC 7468),
 * decoded. Text between blocks is ignored (openssl writes a certificate's text form before it); a block
 * without its END line, with bad base64 or with nothing in it is a {@link MaterialProblem}, since that is
 * what a half-written file looks like.
 */
record PemBlock(String label, byte[] der, boolean encryptedHeader, int line) {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** Every block of {@code text}, in order; none if it has no BEGIN line. */
    static List<PemBlock> parse(byte[] text) throws MaterialProblem {
        // ISO-8859-1 maps every byte to one char, so binary garbage reaches the checks below, not a decoder error.
        String[] lines = new String(text, StandardCharsets.ISO_8859_1).split("\r\n|\r|\n", -1);
        List<PemBlock> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            i++;
            if (!line.startsWith(BEGIN)) {
                continue;
            }
            int beginLine = i;
            String label = label(line, BEGIN, beginLine);
            StringBuilder base64 = new StringBuilder();
            boolean encrypted = false;
            boolean ended = false;
            while (i < lines.length) {
                String body = lines[i].strip();
                i++;
                if (body.startsWith(END)) {
                    String endLabel = label(body, END, i);
                    if (!endLabel.equals(label)) {
                        throw new MaterialProblem("BEGIN " + label + " on line " + beginLine + " ends with END "
                                + endLabel + " on line " + i);
                    }
                    ended = true;
                    break;
                }
                if (body.startsWith(BEGIN)) {
                    break;
                }
                if (body.indexOf(':') >= 0) {
                    // An RFC 1421 header, as in openssl's legacy encrypted keys (Proc-Type: 4,ENCRYPTED).
                    encrypted |= body.startsWith("Proc-Type:") && body.contains("ENCRYPTED");
                    continue;
                }
                base64.append(body);
            }
            if (!ended) {
                throw new MaterialProblem("BEGIN " + label + " on line " + beginLine
                        + " has no END line (a truncated or half-written file?)");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(strictBase64(base64, label, beginLine));
            } catch (IllegalArgumentException e) {
                throw new MaterialProblem("bad base64 in the " + label + " block on line " + beginLine, e);
            }
            if (der.length == 0) {
                throw new MaterialProblem("empty " + label + " block on line " + beginLine);
            }
            blocks.add(new PemBlock(label, der, encrypted, beginLine));
        }
        return blocks;
    }

    /** The labels found, for a message that says what the file holds instead. */
    static String labels(List<PemBlock> blocks) {
        if (blocks.isEmpty()) {
            return "no PEM block";
        }
        return String.join(", ", blocks.stream().map(PemBlock::label).distinct().toList());
    }

    private static String label(String line, String prefix, int lineNumber) throws MaterialProblem {
        if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length()) {
            throw new MaterialProblem("malformed PEM line " + lineNumber + " (" + abbreviate(line) + ")");
        }
        return line.substring(prefix.length(), line.length() - DASHES.length());
    }

    /**
     * The body without blanks, all in the base64 alphabet and a multiple of 4 long (the JDK's decoder
     * takes a body without its padding, which a file cut short mid-line would be).
     */
    private static String strictBase64(StringBuilder body, String label, int line) throws MaterialProblem {
        StringBuilder base64 = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == ' ' || c == '\t') {
                continue;
            }
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=';
            if (!ok) {
                throw new MaterialProblem("bad base64 in the " + label + " block on line " + line);
            }
            base64.append(c);
        }
        if (base64.length() % 4 != 0) {
            throw new MaterialProblem("bad base64 in the " + label + " block on line " + line
                    + " (its length is not a multiple of 4: truncated?)");
        }
        return base64.toString();
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }
}
