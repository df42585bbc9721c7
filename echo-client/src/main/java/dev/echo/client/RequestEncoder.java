package dev.echo.client;

/**
 * Writes the common requests' protobuf bytes by hand into one reused buffer, so that a call builds
 * no {@code ClientMessage}: an echo of ASCII text and an add, in exactly the bytes protobuf would
 * write (checked against it by {@code WireShortcutsTest}).
 *
 * <pre>
 * echo "hi":  0A 04 | 0A 02 'h' 'i'       ClientMessage.echo_message (1) { EchoMessage.content (1) }
 * add 3 4:    12 04 | 08 03 10 04         ClientMessage.add_request (2) { a (1), b (2) }
 * </pre>
 *
 * Anything else (text that is not ASCII, too long for the buffer) is left to protobuf. Not
 * thread-safe: one per connection, used under its write lock.
 */
final class RequestEncoder {
    /** Larger echoes are rare in the hot path; they go through protobuf. */
    static final int MAX_TEXT = 1024;

    final byte[] buffer = new byte[MAX_TEXT + 16];

    /** Encodes {@code request} into {@link #buffer}; returns its length, or -1 if protobuf must. */
    int encode(Request<?> request) {
        if (request.text != null) {
            return echo(request.text);
        }
        return add(request.a, request.b);
    }

    private int echo(String text) {
        int n = text.length();
        if (n > MAX_TEXT) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                return -1; // UTF-8 of more than one byte a char: protobuf's encoder
            }
        }
        int inner = n == 0 ? 0 : 1 + Varints.size(n) + n;
        int p = 0;
        buffer[p++] = 0x0A;
        p = Varints.write(buffer, p, inner);
        if (n > 0) {
            buffer[p++] = 0x0A;
            p = Varints.write(buffer, p, n);
            text.getBytes(0, n, buffer, p); // ASCII: one byte a char, nothing allocated
            p += n;
        }
        return p;
    }

    private int add(int a, int b) {
        int inner = (a == 0 ? 0 : 1 + Varints.size(a)) + (b == 0 ? 0 : 1 + Varints.size(b));
        int p = 0;
        buffer[p++] = 0x12;
        p = Varints.write(buffer, p, inner);
        if (a != 0) {
            buffer[p++] = 0x08;
            p = Varints.write(buffer, p, a);
        }
        if (b != 0) {
            buffer[p++] = 0x10;
            p = Varints.write(buffer, p, b);
        }
        return p;
    }
}
