package dev.echo.server;

import dev.echo.core.tls.TlsRecordHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import javax.net.ssl.SSLProtocolException;

/**
 * The TCP input of a TLS connection as the JDK's {@code SSLSocket} reads it, with every record
 * header checked as it passes, so that what is not TLS is refused at its first five bytes.
 *
 * <pre>
 * +--------------+---------------+---------------+
 * | content type | version       | length        |   then length bytes of body
 * | 1 byte 20-24 | 2 bytes 3.x   | 2 bytes       |
 * +--------------+---------------+---------------+
 * </pre>
 *
 * <p>The JDK reads a record's whole body before it looks at its type: text such as {@code GET /
 * HTTP/1.1} reads as a header announcing {@code 0x202f} = 8,239 bytes, and the connection would wait
 * for them until its idle timeout. Here such a header fails the read at once with an {@link
 * SSLProtocolException}, which the JDK answers with a fatal alert and the server counts as a bad
 * record. Bodies pass unread; a header split across reads is checked when complete.
 *
 * <p>It also reads ahead: the JDK reads each record in two exact reads (its header, then its body),
 * each a system call and, on a virtual thread, often a park; here one read of the socket takes what
 * has arrived, up to {@value #BUFFER_BYTES} bytes, and the records are handed on from that.
 *
 * <p>{@link #beforeRecord} runs before every read of the socket (which may wait) and before each
 * buffered record that is not application data with a valid header: the connection flushes its
 * answers there, if it has any, once for all the request records of a batch (as Netty flushes once
 * per read). Not only before a wait: an alert, a handshake message or text that is not TLS makes the
 * JDK close TLS's output (a fatal alert, or a close_notify under TLS 1.2), and the answers to the
 * requests before it, still in the writer's buffer, could never be sent (attackers' findings: requests
 * then close_notify, or then {@code GET /}, in one write lost their answers). A record with a valid
 * header that does not decrypt (damaged or forged on the way) still ends the connection with the
 * answers of its batch unsent: seeing it would take a flush before every record, a write per request.
 *
 * <p>Each header is counted against {@link RecordLimits} too: alerts in a row, and records before the
 * handshake is complete ({@link #handshakeComplete}), fail the read with a {@link TooManyRecordsException}.
 */
final class RecordHeaderCheckingInputStream extends InputStream {
    static final int HEADER_BYTES = TlsRecordHeaders.HEADER_BYTES;
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    private static final int MAJOR_VERSION = TlsRecordHeaders.MAJOR_VERSION;
    /** The highest minor version a record header carries (TLS 1.3's ClientHello says 3.1 or 3.3). */
    private static final int MAX_MINOR_VERSION = 4;
    /**
     * How many of a connection's first bytes tell a TLS client from one speaking anything else: the
     * first record header's content type and version. One byte would not do: a delimited request of
     * 22 bytes starts with 0x16 too.
     */
    static final int START_BYTES = 3;
    static final int MAX_BODY_BYTES = TlsRecordHeaders.MAX_BODY_BYTES;

    /** Read ahead at most: a hundred small request records, or a quarter of the largest one. */
    static final int BUFFER_BYTES = 4096;

    private final InputStream tcp;
    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFilled;
    private int bodyLeft;
    /** The bytes read before this stream existed (the ClientHello's first), and how many are handed on. */
    private final byte[] start;
    private int startPosition;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final CarrierShare share = new CarrierShare(CarrierShare.RECORDS_PER_TURN);
    private final RecordLimits limits = new RecordLimits();
    private int position;
    private int limit;
    /** {@code limit - position}, for other threads ({@link #buffered()}). */
    private volatile int buffered;
    private IoAction beforeRecord = () -> { };

    /** @param start the connection's first bytes, read already ({@link #readStart}); {@code tcp} carries the rest */
    RecordHeaderCheckingInputStream(byte[] start, InputStream tcp) {
        this.tcp = tcp;
        this.start = start.clone();
    }

    /**
     * Reads a connection's first {@value #START_BYTES} bytes, fewer if the input ends or a byte
     * already shows that this is no TLS handshake ({@link #canStartHandshake}).
     */
    static byte[] readStart(InputStream tcp) throws IOException {
        byte[] start = new byte[START_BYTES];
        int n = 0;
        while (n < START_BYTES && canStartHandshake(start, n)) {
            int got = tcp.read(start, n, START_BYTES - n);
            if (got < 0) {
                break;
            }
            n += got;
        }
        return Arrays.copyOf(start, n);
    }

    /** Whether the first {@code n} bytes of {@code start} can begin a TLS handshake record: 0x16, then version 3.0 to 3.4. */
    static boolean canStartHandshake(byte[] start, int n) {
        return (n < 1 || start[0] == HANDSHAKE) && (n < 2 || start[1] == MAJOR_VERSION)
                && (n < 3 || (start[2] & 0xff) <= MAX_MINOR_VERSION);
    }

    /** The body length a whole record {@code header} ({@value #HEADER_BYTES} bytes) announces. */
    static int recordLength(byte[] header) {
        return TlsRecordHeaders.bodyLength(header, 0);
    }

    /** {@code start} in hex, for messages. */
    static String hex(byte[] start) {
        return HexFormat.ofDelimiter(" ").formatHex(start);
    }

    /**
     * From now on, {@code action} runs before every read that goes to the socket and before each
     * buffered record that is not application data; set by the connection's thread.
     */
    void beforeRecord(IoAction action) {
        this.beforeRecord = action;
    }

    /** The handshake is complete: records are no longer counted against its bound ({@link RecordLimits}); the connection's thread. */
    void handshakeComplete() {
        limits.handshakeComplete();
    }

    /** Bytes read from the socket and not yet handed on; any thread. */
    int buffered() {
        return buffered;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        if (startPosition < start.length) {
            n = Math.min(len, start.length - startPosition);
            System.arraycopy(start, startPosition, b, off, n);
            startPosition += n;
        } else if (position < limit) {
            if (headerFilled == 0 && bodyLeft == 0 && !applicationDataNext()) {
                // The answers go out before the JDK reads what may end TLS's output under them.
                beforeRecord.run();
            }
            n = take(b, off, len);
        } else {
            beforeRecord.run();
            if (len >= buffer.length) {
                n = tcp.read(b, off, len); // as large as the buffer: no copy through it
                if (n < 0) {
                    return n;
                }
            } else {
                int got = tcp.read(buffer, 0, buffer.length);
                if (got < 0) {
                    return got;
                }
                position = 0;
                limit = got;
                n = take(b, off, len);
            }
        }
        check(b, off, n);
        return n;
    }

    /**
     * True if the buffered record at {@code position} is application data with a valid header, or too
     * little of its header is here to tell (the read of the rest runs {@link #beforeRecord} first).
     */
    private boolean applicationDataNext() {
        if (limit - position < HEADER_BYTES) {
            return true;
        }
        return buffer[position] == APPLICATION_DATA && buffer[position + 1] == MAJOR_VERSION
                && TlsRecordHeaders.bodyLength(buffer, position) <= MAX_BODY_BYTES;
    }

    /** Hands on up to {@code len} buffered bytes (there is at least one). */
    private int take(byte[] b, int off, int len) {
        int n = Math.min(len, limit - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        buffered = limit - position;
        return n;
    }

    /** Skips buffered bytes first, then the socket's, unchecked: the JDK skips only when it gives up on the input. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (startPosition < start.length) {
            int skipped = (int) Math.min(n, start.length - startPosition);
            startPosition += skipped;
            return skipped;
        }
        if (position < limit) {
            int skipped = (int) Math.min(n, limit - position);
            position += skipped;
            buffered = limit - position;
            return skipped;
        }
        return tcp.skip(n);
    }

    private void check(byte[] b, int off, int n) throws SSLProtocolException {
        int i = off;
        int end = off + n;
        while (i < end) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, end - i);
                bodyLeft -= skipped;
                i += skipped;
            } else {
                header[headerFilled++] = b[i++];
                if (headerFilled == HEADER_BYTES) {
                    headerFilled = 0;
                    bodyLeft = validBodyLength();
                    share.done(); // records that never run dry (KeyUpdates without end) yield the carrier now and then
                }
            }
        }
    }

    private int validBodyLength() throws SSLProtocolException {
        if (!TlsRecordHeaders.valid(header)) {
            throw new SSLProtocolException(TlsRecordHeaders.notTls(header));
        }
        limits.next(header[0] & 0xff);
        return TlsRecordHeaders.bodyLength(header, 0);
    }

    @Override
    public int available() throws IOException {
        return (start.length - startPosition) + (limit - position) + tcp.available();
    }

    /**
     * Nothing: the JDK closes this stream at the end of the input, and closing the TCP input would close
     * the socket under answers still to be written. The connection's transport closes the socket.
     */
    @Override
    public void close() {
        // the socket is the transport's to close
    }
}
