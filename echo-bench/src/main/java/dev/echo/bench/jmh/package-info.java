/**
 * JMH micro-benchmarks: the framings' encode and decode, and a loopback round trip through
 * echo-client and echo-server. Run with {@code java -cp echo-bench/target/echo-bench.jar
 * org.openjdk.jmh.Main}. Fixtures here serve the benchmarks only; nothing outside this package
 * may use them, and they must not change what they measure (no checks on the measured path).
 */
package dev.echo.bench.jmh;
