package dev.echo.it.probe;

/** A check saw the target misbehave; the message is the evidence shown after FAIL. */
class CheckFailedException extends Exception {
    CheckFailedException(String evidence) {
        super(evidence);
    }

    /** The same failure with the step it happened in first: "second client: no answer within 2s". */
    CheckFailedException in(String step) {
        CheckFailedException failure = new CheckFailedException(step + ": " + getMessage());
        failure.setStackTrace(getStackTrace());
        return failure;
    }
}
