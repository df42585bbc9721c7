/**
 * The blocking echo/add server. The public facade is small: {@link dev.echo.server.EchoServer}, its
 * immutable {@link dev.echo.server.ServerConfig} and {@link dev.echo.server.ThreadMode}, the
 * {@link dev.echo.server.ServerStats} snapshot and its MXBean, and {@code Main} for the command
 * line. Behind it, package-private machinery with one job each: the accept loop, the registry of
 * open connections, the idle sweeper that enforces deadlines, and per connection a handler (run and
 * close), its request loop, its phase and deadlines, and its graceful close; for operators, the
 * meters and the {@code /metrics} and {@code /healthz} endpoint, the events summed up in the log,
 * and what the stop signals do. It applies the
 * protocol's rules from {@link dev.echo.core} and must not restate them (answers, error codes,
 * framing); it must not know the client, the benchmarks or any test.
 */
package dev.echo.server;
