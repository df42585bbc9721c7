package dev.echo.server;

import java.nio.charset.StandardCharsets;

/**
 * One answer of the metrics endpoint, written whole in one write and followed by the end of the
 * connection ({@code Connection: close}: one exchange per connection, so nothing waits between requests).
 *
 * @param status the status code; its reason phrase is {@link #reason}
 * @param contentType the body's type
 * @param body the body (for HEAD, only its length is sent)
 * @param withoutBody true for HEAD: the headers of the GET, no body
 * @param allow the {@code Allow} header's value, or null for none
 */
record HttpAnswer(int status, String contentType, String body, boolean withoutBody, String allow) {
    static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    /** A plain-text answer with a body. */
    static HttpAnswer text(int status, String body) {
        return new HttpAnswer(status, PLAIN_TEXT, body, false, null);
    }

    /** The status line, headers and body, as bytes on the wire. */
    byte[] encode() {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + (allow == null ? "" : "Allow: " + allow + "\r\n")
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        if (withoutBody) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(content, 0, all, headBytes.length, content.length);
        return all;
    }

    /** The reason phrase of each status the endpoint sends. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> throw new IllegalArgumentException("no reason phrase for status " + status);
        };
    }
}
