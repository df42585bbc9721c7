package dev.echo.server;

/**
 * Bounds on the records a TLS peer may send that cost the JDK a turn each and move nothing forward,
 * checked at each record header as {@link RecordHeaderCheckingInputStream} hands it on.
 *
 * <p>The JDK reads a warning alert (user_canceled, unexpected_message, ...) during a handshake and
 * waits for the next record, without end: a client that sent a ClientHello and then 7-byte warnings
 * kept a server core busy for the whole handshake timeout (an attacker's finding, CVE-2016-8610's
 * pattern; OpenSSL ends a connection at its 5th warning alert in a row). It also reassembles a
 * handshake message from its fragments by copying all that has arrived for each new one: a 32 KiB
 * message in 1-byte records cost the server 0.5 s of CPU for 196 KB sent. So the 5th alert record in
 * a row ends the connection, before and after the handshake (a peer sends at most user_canceled and
 * close_notify), and so does the 257th record before the handshake is complete (a handshake takes a
 * dozen, a ClientHello split into small records a few dozen).
 */
final class RecordLimits {
    /** Alert records in a row a connection may send; the next ends it. */
    static final int MAX_ALERTS_IN_A_ROW = 4;
    /** Records a connection may send before its handshake is complete; the next ends it. */
    static final int MAX_HANDSHAKE_RECORDS = 256;
    private static final int ALERT = 21;

    private int alertsInARow;
    private int handshakeRecords;
    private boolean handshakeComplete;

    /** A record of content type {@code type} is about to be handed on; throws if it is one too many. */
    void next(int type) throws TooManyRecordsException {
        alertsInARow = type == ALERT ? alertsInARow + 1 : 0;
        if (alertsInARow > MAX_ALERTS_IN_A_ROW) {
            throw new TooManyRecordsException(alertsInARow + " alert records in a row (at most "
                    + MAX_ALERTS_IN_A_ROW + " are taken)");
        }
        if (!handshakeComplete && ++handshakeRecords > MAX_HANDSHAKE_RECORDS) {
            throw new TooManyRecordsException("more than " + MAX_HANDSHAKE_RECORDS + " records before the handshake"
                    + " was complete");
        }
    }

    /** The handshake is complete: records are no longer counted, alerts in a row still are. */
    void handshakeComplete() {
        handshakeComplete = true;
    }
}
