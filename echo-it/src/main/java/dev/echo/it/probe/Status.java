package dev.echo.it.probe;

/** How a check ended. */
public enum Status {
    PASS,
    FAIL,
    SKIP
}
