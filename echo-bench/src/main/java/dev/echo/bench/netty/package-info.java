/**
 * The Netty 4.2 peer server: the same protocol served the way a Java user would otherwise build it,
 * the reference {@code compare} and {@code scale} measure echo-server against. It shares with
 * echo-server only echo-core's protocol rules and framing, never echo-server's code, so that the
 * comparison is between two designs.
 */
package dev.echo.bench.netty;
