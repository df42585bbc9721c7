package dev.echo.core.tls;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A TLS client's TCP input as the JDK's {@code SSLSocket} reads it, every record header checked as it
 * passes once the handshake is complete ({@link #handshakeComplete}). The JDK reads a record's whole
 * body before it looks at its type: a server that answers with text ({@code HTTP/1.1 400}) reads as a
 * header announcing {@code 0x502f} = 20,527 bytes, and the client waited for them until its deadline,
 * or took the server's close inside them for a clean close (an attacker's finding). Here such a
 * header fails the read at once with a {@link NotTlsRecordException}. Before the handshake is complete
 * the JDK's own check says it better ("Unsupported or unrecognized SSL message": a plain server).
 * Bodies pass unread.
 */
final class RecordHeaderInputStream extends FilterInputStream {
    private static final int HEADER_BYTES = TlsRecordHeaders.HEADER_BYTES;

    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFilled;
    private int bodyLeft;
    /** Set by the handshaking thread, read by the reader's. */
    private volatile boolean checking;

    RecordHeaderInputStream(InputStream tcp) {
        super(tcp);
    }

    /** From now on a header that is not TLS's fails the read. */
    void handshakeComplete() {
        checking = true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        for (int i = off; i < off + n; ) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, off + n - i);
                bodyLeft -= skipped;
                i += skipped;
            } else {
                header[headerFilled++] = b[i++];
                if (headerFilled == HEADER_BYTES) {
                    headerFilled = 0;
                    bodyLeft = bodyLength();
                }
            }
        }
        return n;
    }

    /** Not used by the JDK but on its way out; skipped bytes are not checked, so nothing is from then on. */
    @Override
    public long skip(long n) throws IOException {
        checking = false;
        return in.skip(n);
    }

    private int bodyLength() throws NotTlsRecordException {
        if (checking && !TlsRecordHeaders.valid(header)) {
            throw new NotTlsRecordException(TlsRecordHeaders.notTls(header));
        }
        return TlsRecordHeaders.bodyLength(header, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
