/**
 * Test fixtures every module's tests share, in the spirit of OkHttp's MockWebServer: a raw
 * {@link dev.echo.testkit.WireClient} that sends any bytes and reads answers as frames, {@link
 * dev.echo.testkit.Await} for every wait on a condition (always with a deadline), a {@link
 * dev.echo.testkit.ServerProcess} that runs a server jar as its own JVM (echo-bench's comparisons
 * use it too, so it is main code), a {@link dev.echo.testkit.PacedInputStream} for slow readers and
 * {@link dev.echo.testkit.TestPki}, certificate files for TLS tests (issued by echo-certs), and a
 * {@link dev.echo.testkit.MisbehavingServer} that sends what a hostile server would, over TLS too.
 *
 * <p>It knows the wire contract (echo-core) and echo-certs' CA and nothing else: no server class, no
 * client library, no test framework (a broken expectation is a plain {@link java.lang.AssertionError}).
 * Helpers that start an {@code EchoServer} in the test JVM live in echo-server's test-jar ({@code TestServers}),
 * since echo-server's own tests use them.
 */
package dev.echo.testkit;
