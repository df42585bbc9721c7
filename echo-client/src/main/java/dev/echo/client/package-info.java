/**
 * The client library: {@link dev.echo.client.EchoClient}, one blocking connection to an echo server
 * (echo, add, or any request; pipelining with send/receive), configured by an immutable {@link
 * dev.echo.client.ClientConfig}, failing with {@code IOException}s that name the endpoint and with
 * {@link dev.echo.client.ServerErrorException} for error answers.
 *
 * <p>It must not know the shell ({@code dev.echo.client.shell}) or anything a program using it
 * would have to take along: no terminal, no command-line options, no logging binding (only the
 * slf4j API), no statistics; it depends on echo-core alone.
 */
package dev.echo.client;
