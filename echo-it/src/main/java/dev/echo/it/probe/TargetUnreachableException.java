package dev.echo.it.probe;

/** A connection to the target could not be made: it is down, or was never there. */
final class TargetUnreachableException extends CheckFailedException {
    TargetUnreachableException(String address, String reason) {
        super("target unreachable: cannot connect to " + address + ": " + reason);
    }
}
