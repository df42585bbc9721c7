package dev.echo.it.probe;

/** The target ended the connection (end of stream or reset) where an answer was awaited. */
final class ServerClosedException extends CheckFailedException {
    ServerClosedException(String how) {
        super(how);
    }
}
