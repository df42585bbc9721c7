/**
 * {@code bin/echo-client}: the command-line application on top of the client library. {@code Main}
 * picks a mode (one-shot command, interactive JLine shell, script from stdin), {@code
 * ClientOptions} reads its options, {@code CommandParser} turns lines into {@code Command}s and
 * {@code Session} runs them, printing through {@code Output}.
 *
 * <p>The library must not know this package; this package uses the library only through its public
 * API ({@code EchoClient}, {@code ClientConfig}), and must not know the server's internals. JLine,
 * commons-cli and HdrHistogram are used here only: they are optional dependencies of echo-client.
 */
package dev.echo.client.shell;
