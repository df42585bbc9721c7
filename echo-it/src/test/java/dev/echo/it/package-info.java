/**
 * The concurrency and fault suite: {@code *IT} classes that run many concurrent and misbehaving
 * clients against echo-server in the test JVM (echo-server's {@code TestServers}), as a process
 * (echo-testkit's {@code ServerProcess} on the packaged jar) and as a container image, and check
 * every answer's content and order and the server's counters. Raw bytes go through echo-testkit's
 * {@code WireClient}, ordinary traffic through echo-client's {@code EchoConnection}; answers are checked
 * with echo-core's {@code AnswerCheck}; every wait is echo-testkit's {@code Await}, with a deadline.
 *
 * <p>Its own classes are the suite's scenarios and their helpers (clients, conversations, Docker);
 * it does not reach into the server's internals beyond the public {@code EchoServer} API and its stats.
 */
package dev.echo.it;
