package dev.echo.core.tls;

/**
 * What is wrong with some bytes, before it is known which file they came from; {@link PemFiles} turns it
 * into a {@link TlsMaterialException} naming the file.
 */
final class MaterialProblem extends Exception {
    private static final long serialVersionUID = 1L;

    MaterialProblem(String problem) {
        super(problem);
    }

    MaterialProblem(String problem, Throwable cause) {
        super(problem, cause);
    }
}
