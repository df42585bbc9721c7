/**
 * The one command-line layer every tool of the toolkit shares (server, client, load generator and
 * its subcommands, the Netty peer, the probe): an option is defined once as a {@link dev.echo.cli.CliOption}
 * and a tool's {@link dev.echo.cli.CommandSpec} turns those definitions into parsing, grouped help of
 * at most 100 columns, {@code -h}/{@code -V}, environment variables and the README's option tables,
 * with one message for every bad value and exit code 2. commons-cli does the tokenizing underneath.
 *
 * <p>It knows values (numbers, durations, framings, ports) and text, never what a tool does with
 * them: no server, client or load-generator type appears here, so every tool can depend on it.
 */
package dev.echo.cli;
