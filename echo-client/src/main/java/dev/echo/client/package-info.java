/**
 * The client library. {@link dev.echo.client.EchoClient}: one client shared by every thread of an
 * application, pipelined and asynchronous, with deadlines, a bound on requests in flight, reconnects,
 * retries and several addresses, failing with typed {@link dev.echo.client.EchoClientException}s and
 * counting what it does ({@link dev.echo.client.ClientStats}). {@link dev.echo.client.EchoConnection}:
 * one blocking connection, for tools and tests that need to see the connection itself. Both are
 * configured by an immutable {@link dev.echo.client.ClientConfig}.
 *
 * <p>Public: the facades, the configuration, the stats and the exceptions; the rest (dispatcher,
 * connections, addresses, retry budget, histogram) is package-private and free to change.
 *
 * <p>It must not know the shell ({@code dev.echo.client.shell}) or anything a program using it
 * would have to take along: no terminal, no command-line options, no logging binding (only the
 * slf4j API); it depends on echo-core alone (Micrometer only if the application binds it).
 */
package dev.echo.client;
