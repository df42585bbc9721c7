/**
 * TLS material from PEM files with the JDK alone: {@link dev.echo.core.tls.PemFiles} reads certificate
 * chains, CA bundles and private keys (PKCS#8, PKCS#1, SEC1) and says in one line what is wrong with a
 * file that cannot be used ({@link dev.echo.core.tls.TlsMaterialException}). Issuing certificates is
 * {@code echo-certs}' job, not the core's.
 */
package dev.echo.core.tls;
