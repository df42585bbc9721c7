package dev.echo.server;

import java.net.URI;

/**
 * The first line of an HTTP/1.x request, {@code METHOD SP TARGET SP HTTP/1.x}, as much as the metrics
 * endpoint needs of it: the method and the target's path (a query is ignored, an absolute-form target
 * gives its path). The endpoint reads no header beyond finding where they end.
 *
 * @param method as sent, case-sensitive (HTTP methods are)
 * @param path the target's path, e.g. {@code /metrics}
 */
record HttpRequestLine(String method, String path) {
    /** The request line {@code line} (without its CRLF), or null if it is not an HTTP/1.x request line. */
    static HttpRequestLine parse(String line) {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()
                || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
            return null;
        }
        String target = parts[1];
        if (target.startsWith("/")) {
            int query = target.indexOf('?');
            return new HttpRequestLine(parts[0], query < 0 ? target : target.substring(0, query));
        }
        try {
            String path = URI.create(target).getRawPath();
            return path == null ? null : new HttpRequestLine(parts[0], path.isEmpty() ? "/" : path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
