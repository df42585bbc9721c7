package dev.echo.server;

import java.io.IOException;

/** Something a connection's thread runs around its I/O that may itself do I/O (a flush of its answers). */
@FunctionalInterface
interface IoAction {
    void run() throws IOException;
}
