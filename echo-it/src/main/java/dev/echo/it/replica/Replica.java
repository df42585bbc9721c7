package dev.echo.it.replica;

import java.util.Optional;

/**
 * A running replica of one of the original Rust server's designs: an example of what not to do,
 * kept so that the probe and the integration suite can show its defects happening. Raw framing only.
 */
public sealed interface Replica extends AutoCloseable permits OriginalReplica, SolutionReplica {

    /** Which design runs. */
    Design design();

    /** The address it listens on, as given. */
    String host();

    /** The bound port. */
    int port();

    /** True while the listening socket is open. */
    boolean isListening();

    /** The client I/O error that ended the whole server (the original's defect), if one did. */
    Optional<Exception> fatalError();

    /**
     * The test harness's cleanup, not part of either design: closes the listening socket and every
     * client socket so that nothing outlives the test, whatever state the design left behind.
     */
    @Override
    void close();
}
