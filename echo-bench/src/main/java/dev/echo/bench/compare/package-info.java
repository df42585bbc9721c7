/**
 * {@code echo-load compare}: this project's servers and the Netty peer each run as their own process,
 * driven in turn by the load generator, summarised as Markdown tables of medians and ratios. It
 * knows which servers there are and how to start them; how load is generated and checked belongs
 * to {@link dev.echo.bench.load}, and no server's internals are visible to it, only its jar.
 */
package dev.echo.bench.compare;
