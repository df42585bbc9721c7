package dev.echo.client.shell;

/** How a shell command ended, and the exit code it means for one-shot and scripted runs. */
enum Outcome {
    /** Done; exit code 0. */
    OK(0),
    /** The server answered with an error; exit code 1. */
    SERVER_ERROR(1),
    /** A usage mistake or a connection failure; nothing (more) was sent; exit code 2. */
    FAILED(2),
    /** The user asked to leave; exit code 0. */
    QUIT(0);

    private final int exitCode;

    Outcome(int exitCode) {
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The outcome with the higher exit code, for a script's overall result. */
    Outcome worse(Outcome other) {
        return other.exitCode > exitCode ? other : this;
    }
}
