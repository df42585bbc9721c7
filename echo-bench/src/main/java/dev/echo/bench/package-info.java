/**
 * {@code bin/echo-load}'s entry point ({@link dev.echo.bench.LoadMain}, which dispatches to the
 * {@code compare}, {@code scale} and {@code netty-server} subcommands) and what the commands share:
 * the option values and help text, the exit codes, output files checked before a run, stop signals,
 * finding this repository's jars and running a server as its own process. It knows how to run a
 * command, not how to generate load or measure it (that is {@link dev.echo.bench.load}); nothing
 * in echo-server, echo-client or echo-core may depend on it.
 */
package dev.echo.bench;
