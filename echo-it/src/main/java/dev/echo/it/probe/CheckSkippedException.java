package dev.echo.it.probe;

/** A check that cannot apply to the chosen framing or target; the message says why. */
final class CheckSkippedException extends Exception {
    CheckSkippedException(String why) {
        super(why);
    }
}
