/**
 * The wire probe behind {@code bin/echo-probe}: checks, over TCP only, that a server answers every
 * request right and in order, in one piece or split, pipelined, half-closed, malformed, oversized,
 * from many clients at once and after resets, and that it shows none of the original server's
 * defects, like h2spec for HTTP/2 servers. {@link dev.echo.it.probe.Probe} is the facade; each check
 * is a method of a {@code *Checks} class, and a failed one says what it sent and what came back.
 *
 * <p>It knows the wire contract (echo-core) and nothing else: no echo-server class, no client library,
 * no test framework, so that any server in any language can be probed.
 */
package dev.echo.it.probe;
