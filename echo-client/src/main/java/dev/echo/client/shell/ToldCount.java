package dev.echo.client.shell;

/**
 * How much of a client's growing count (its reconnects, its protocol errors) the shell has already
 * told the user, so that each is said once.
 */
final class ToldCount {
    private long told;

    /** How many of {@code count} are new since the last call; they are counted as told from now on. */
    long takeNew(long count) {
        long more = count - told;
        if (more <= 0) {
            return 0;
        }
        told = count;
        return more;
    }

    /** A new client's count starts again from zero. */
    void reset() {
        told = 0;
    }
}
