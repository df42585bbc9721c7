/**
 * Replicas of the original Rust server's two designs (the first one, and the "solution" with its
 * accept thread behind a mutex), defects included: examples of what not to do, kept so that the
 * probe and the integration suite can show each defect happening. Raw framing only.
 *
 * <p>It knows the wire contract (echo-core) and nothing else; nothing outside the probe's command
 * line and the integration suite may start a replica.
 */
package dev.echo.it.replica;
