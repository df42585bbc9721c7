package dev.echo.server;

import java.util.Map;

/**
 * The counters of one running server as seen in jconsole or VisualVM, under
 * {@code dev.echo:type=EchoServer,port=PORT,id=N}. Registered by {@link EchoServer#start()} and
 * unregistered by {@link EchoServer#close()}. See {@link ServerStats} for what each one counts.
 *
 * <p>Beside these, the registered MBean has one attribute per {@link dev.echo.core.RequestKind}, the
 * requests of that kind answered, and one per error code a server sends ({@link
 * dev.echo.core.ErrorCodes#ALL} but {@code CODE_UNSPECIFIED}), the error answers with that code; each
 * is named after its constant in camel case with {@code Requests} or {@code Errors} after it ({@code
 * ADD} gives {@code AddRequests}, {@code MALFORMED_MESSAGE} gives {@code MalformedMessageErrors}).
 * They are made from the protocol's enums, so a kind or code added to them gets its attribute
 * without a getter here; one attribute each, not a table, because jconsole shows and charts a plain
 * number.
 */
public interface EchoServerMXBean {
    String getAddress();

    String getFraming();

    String getThreadMode();

    boolean isRunning();

    long getConnectionsAccepted();

    long getConnectionsActive();

    long getConnectionsRejected();

    long getRequestsAnswered();

    /** Error answers of every code. */
    long getErrorTotal();

    long getBytesIn();

    long getBytesOut();

    /** Connections closed for not completing a frame within the idle timeout. */
    long getIdleTimeouts();

    /** Connections closed because their answers made no progress for the idle timeout. */
    long getWriteTimeouts();

    /** Connections refused because their frame needed more than the buffer budget had left. */
    long getBufferBudgetRefusals();

    /** Bytes of the buffer budget in use right now, and its bound. */
    long getBufferedBytes();

    long getMaxBufferedBytes();

    /** TLS: handshakes completed; 0 without TLS. */
    long getTlsHandshakes();

    /** TLS: handshakes failed, by {@link HandshakeFailure#label()}; empty without TLS. */
    Map<String, Long> getTlsHandshakeFailures();

    /** TLS: changes of the certificate files that took effect, and that were refused. */
    long getTlsReloads();

    long getTlsReloadsRefused();

    /** TLS: connections closed after their handshake for a record that is not valid TLS, or a refused renegotiation. */
    long getTlsBadRecords();

    /**
     * TLS: refused clients (over the connection limit, or no buffer room) closed without their
     * SERVER_BUSY answer: 32 refusals ({@code TlsTransport.MAX_REFUSALS}) were in progress already,
     * or the client sent nothing, went away, failed the refusal's handshake, ran out of its time, or
     * the server stopped.
     */
    long getTlsRefusedUnanswered();

    /** TLS: seconds until the certificate served expires (negative once expired); -1 without TLS. */
    long getTlsCertificateSecondsLeft();
}
