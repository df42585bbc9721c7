/**
 * The verifying load generator as a library: {@link dev.echo.bench.load.LoadConfig} in,
 * {@link dev.echo.bench.load.LoadRun} drives connections through echo-client and checks every
 * answer with echo-core's {@code AnswerCheck}, {@link dev.echo.bench.load.LoadResult} out, written
 * as JSON ({@link dev.echo.bench.load.LoadReport}) and as an HdrHistogram log
 * ({@link dev.echo.bench.load.LatencyLog}), both readable back; the logs of several generators
 * ({@link dev.echo.bench.load.GeneratorLog}) add up to one run ({@link dev.echo.bench.load.MergedLogs}).
 * It knows the protocol only through echo-core and echo-client; it must not know command lines,
 * processes or which server it drives.
 */
package dev.echo.bench.load;
