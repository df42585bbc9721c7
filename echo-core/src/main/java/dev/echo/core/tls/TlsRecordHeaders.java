package dev.echo.core.tls;

import java.util.HexFormat;

/**
 * What a TLS record header (RFC 5246 6.2, RFC 8446 5.1) may be: content type 20 to 24, major version 3,
 * a body of at most {@value #MAX_BODY_BYTES} bytes. One check for both ends: the server's stream
 * under its SSLSocket and the client's ({@link RecordHeaderInputStream}) refuse the same headers with
 * the same words.
 */
public final class TlsRecordHeaders {
    public static final int HEADER_BYTES = 5;
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int HEARTBEAT = 24;
    public static final int MAJOR_VERSION = 3;
    /** The largest TLSCiphertext: 2^14 bytes of plaintext and 2,048 of expansion (RFC 5246 6.2.3). */
    public static final int MAX_BODY_BYTES = (1 << 14) + 2048;

    private TlsRecordHeaders() {}

    /** The body length the header at {@code offset} of {@code bytes} announces. */
    public static int bodyLength(byte[] bytes, int offset) {
        return ((bytes[offset + 3] & 0xff) << 8) | (bytes[offset + 4] & 0xff);
    }

    /** Whether {@code header} ({@value #HEADER_BYTES} bytes) can be a TLS record's. */
    public static boolean valid(byte[] header) {
        int type = header[0] & 0xff;
        return type >= CHANGE_CIPHER_SPEC && type <= HEARTBEAT && header[1] == MAJOR_VERSION
                && bodyLength(header, 0) <= MAX_BODY_BYTES;
    }

    /** {@code not a TLS record header: 48 54 54 50 2f ("HTTP/")}: the bytes in hex and as text, unprintable ones as '.'. */
    public static String notTls(byte[] header) {
        StringBuilder text = new StringBuilder(header.length);
        for (byte c : header) {
            text.append(c >= 0x20 && c < 0x7f && c != '"' ? (char) c : '.');
        }
        return "not a TLS record header: " + HexFormat.ofDelimiter(" ").formatHex(header) + " (\"" + text + "\")";
    }
}
