package dev.echo.core.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordHeaderInputStreamTest {
    /** Two application-data records of 3 and 2 bytes, then text. */
    private static byte[] recordsThenText() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {0x17, 3, 3, 0, 3, 'a', 'b', 'c', 0x17, 3, 3, 0, 2, 'd', 'e'});
        bytes.writeBytes("HTTP/1.1 400 Bad Request\r\n".getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    @Test
    void recordsPassInReadsOfAnySizeAndTextFailsAtItsHeader() throws IOException {
        RecordHeaderInputStream in = new RecordHeaderInputStream(new ByteArrayInputStream(recordsThenText()));
        in.handshakeComplete();
        byte[] got = new byte[15];
        for (int n = 0; n < got.length; ) {
            n += in.read(got, n, Math.min(2, got.length - n)); // headers and bodies split across reads
        }
        assertArrayEquals(java.util.Arrays.copyOf(recordsThenText(), 15), got);
        NotTlsRecordException e = assertThrows(NotTlsRecordException.class, () -> in.read(new byte[100], 0, 100));
        assertEquals("not a TLS record header: 48 54 54 50 2f (\"HTTP/\")", e.getMessage());
        assertTrue(ClientTls.notTlsOfTheSession(e));
        assertEquals("the server sent data that is not TLS of this session (not a TLS record header: 48 54 54 50 2f"
                + " (\"HTTP/\"))", ClientTls.explain(new javax.net.ssl.SSLException("(unexpected_message) x", e)));
    }

    /** During the handshake the JDK's own check speaks: a plain server is named as one. */
    @Test
    void nothingIsCheckedBeforeTheHandshakeIsComplete() throws IOException {
        RecordHeaderInputStream in = new RecordHeaderInputStream(new ByteArrayInputStream(recordsThenText()));
        assertEquals(recordsThenText().length, in.readAllBytes().length);
    }

    /** A bad_record_mac of our own is the server's data; one the server sent is about ours. */
    @Test
    void onlyOurOwnBadRecordMacIsTheServersData() {
        assertTrue(ClientTls.notTlsOfTheSession(new javax.net.ssl.SSLException("(bad_record_mac) Tag mismatch")));
        assertTrue(!ClientTls.notTlsOfTheSession(new javax.net.ssl.SSLException("Received fatal alert: bad_record_mac")));
    }
}
