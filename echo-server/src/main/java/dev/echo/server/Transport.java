package dev.echo.server;

import dev.echo.core.BufferBudget;
import dev.echo.core.tls.TlsMaterialException;
import dev.echo.core.Messages;
import dev.echo.core.proto.ErrorResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Socket;
import java.time.Clock;
import java.util.Optional;

/**
 * Plain TCP or TLS, for every connection of one server: the one place where that is decided ({@link
 * #of}). The accept loop asks it for each accepted socket's {@link ConnectionTransport} and to turn
 * away a client over the connection limit; nothing above sees which it is.
 */
sealed interface Transport permits PlainTransport, TlsTransport {

    /**
     * The transport {@code config} asks for; for TLS, its files are read now. What it writes outside
     * the request loop (the answer to a client that does not speak TLS) is counted in {@code counters}.
     *
     * @throws TlsMaterialException naming the TLS file that cannot be used and why
     */
    static Transport of(ServerConfig config, BufferBudget budget, TlsCounters tlsCounters, ServerCounters counters)
            throws TlsMaterialException {
        if (config.tls() == null) {
            return new PlainTransport();
        }
        ErrorResponse.Code code = ErrorResponse.Code.MALFORMED_MESSAGE;
        byte[] notTlsAnswer = config.framing().encode(Messages.error(code, TlsTransport.NOT_TLS_DETAIL));
        return new TlsTransport(config.tls(), TlsMaterial.load(config.tls()), budget, tlsCounters, notTlsAnswer,
                () -> counters.errorSent(code, notTlsAnswer.length), Clock.systemUTC());
    }

    /**
     * The transport of an accepted socket, on the accept thread, so without any I/O; null if the
     * server has no room for what it needs (TLS's record buffers), and the caller refuses it.
     */
    ConnectionTransport open(Socket socket, long id);

    /**
     * Tells a client that the server is at its limit with {@code answer} (a SERVER_BUSY frame) and
     * closes it, without ever blocking the caller, the accept loop, on the client; runs {@code sent}
     * once the answer is written (on the caller's thread or another), and not if it never is.
     */
    void refuse(Socket socket, byte[] answer, Runnable sent);

    /**
     * Called by the idle sweeper every period: ends what this transport runs beside the connections
     * that is past its deadline at {@code nowNanos} (TLS: refusals whose writes the client does not read).
     */
    void sweep(long nowNanos);

    /** Starts what runs beside the connections (TLS: the file watcher). */
    void start(int port);

    /** Stops it and ends every refusal still in progress, within a few seconds. */
    void stop() throws InterruptedException;

    /** For the start line: what TLS serves (protocols, client certificate rule, certificate); empty for plain TCP. */
    Optional<String> describe();

    /** Adds this transport's meters to {@code registry} (TLS: handshakes, reloads, certificate expiry). */
    void bindMetrics(MeterRegistry registry);
}
