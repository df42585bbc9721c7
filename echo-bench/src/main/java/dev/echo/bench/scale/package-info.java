/**
 * {@code echo-load scale}: one server process holding many connections from several load-generator
 * processes, its memory per connection read from /proc and jcmd (Linux), and the generators'
 * results added up, their HdrHistogram logs merged into the percentiles of all requests. It talks
 * to the generators only through their command line and the files they write (JSON, HdrHistogram
 * log), never through shared memory, and knows nothing of a server's internals.
 */
package dev.echo.bench.scale;
