package dev.echo.core.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A PEM file that cannot be used. The message is one line, {@code <file>: <what is wrong>}, fit to be
 * shown to a user as it is: {@code server.key: not a PEM private key (found CERTIFICATE)}, {@code ca.pem:
 * no certificate in the file}, {@code tls.key: encrypted private keys are not supported}.
 */
public final class TlsMaterialException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /** {@code problem} says what is wrong with {@code file}, without naming the file. */
    public TlsMaterialException(Path file, String problem) {
        this(file, problem, null);
    }

    /** As {@link #TlsMaterialException(Path, String)}, keeping the low-level failure as the cause. */
    public TlsMaterialException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file at fault, as it was given. */
    public Path file() {
        return file;
    }

    /** What is wrong with it: the message without the file name. */
    public String problem() {
        return problem;
    }
}
