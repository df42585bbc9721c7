package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record header check under the JDK's TLS: valid records pass byte for byte however split; others fail at their header. */
class RecordHeaderCheckingInputStreamTest {

    @Test
    void validRecordsPassUnchangedSplitAtEveryPosition() throws IOException {
        byte[] stream = concat(record(0x16, 3, 1, 40), record(0x14, 3, 3, 1), record(0x17, 3, 3, 300), record(0x15, 3, 3, 2),
                record(0x17, 3, 3, 0), record(0x18, 3, 3, 3));
        for (int split = 1; split < stream.length; split++) {
            assertArrayEquals(stream, readAll(stream, split), "split at " + split);
        }
        assertArrayEquals(stream, readAll(stream, 1), "one byte at a time");
    }

    @Test
    void textAfterTheHandshakeFailsAtItsFifthByteNotAfterTheBodyItSeemsToAnnounce() throws IOException {
        byte[] text = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] stream = concat(record(0x16, 3, 1, 10), text);
        for (int split = 1; split <= 15; split++) {
            int at = split;
            SSLProtocolException e = assertThrows(SSLProtocolException.class, () -> readAll(stream, at), "split at " + at);
            assertTrue(e.getMessage().contains("47 45 54 20 2f") && e.getMessage().contains("GET /"), e.getMessage());
        }
    }

    @Test
    void aWrongVersionOrAnOversizedLengthFails() {
        byte[] wrongVersion = concat(record(0x16, 3, 1, 4), new byte[] {0x17, 2, 0, 0, 1, 0});
        assertThrows(SSLProtocolException.class, () -> readAll(wrongVersion, 64));
        int tooLong = RecordHeaderCheckingInputStream.MAX_BODY_BYTES + 1;
        byte[] oversized = concat(record(0x16, 3, 1, 4), new byte[] {0x17, 3, 3, (byte) (tooLong >> 8), (byte) tooLong});
        assertThrows(SSLProtocolException.class, () -> readAll(oversized, 64));
    }

    /**
     * Read as the JDK reads (a header, then its body, each exactly): the records that have arrived
     * come from one read of the socket, and what runs before a record (the connection's flush) runs
     * before that read, not before each application data record handed on from the buffer.
     */
    @Test
    void recordsThatArrivedTogetherComeFromOneSocketReadAndTheFlushRunsOnlyBeforeThatRead() throws IOException {
        byte[] stream = concat(record(0x16, 3, 1, 10), record(0x17, 3, 3, 30), record(0x17, 3, 3, 30));
        int[] socketReads = new int[1];
        int given = RecordHeaderCheckingInputStream.START_BYTES;
        InputStream tcp = new ByteArrayInputStream(stream, given, stream.length - given) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                socketReads[0]++;
                return super.read(b, off, len);
            }
        };
        RecordHeaderCheckingInputStream checked = new RecordHeaderCheckingInputStream(Arrays.copyOf(stream, given), tcp);
        int[] waits = new int[1];
        checked.beforeRecord(() -> waits[0]++);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] recordLengths = {10, 30, 30};
        for (int length : recordLengths) {
            out.writeBytes(checked.readNBytes(RecordHeaderCheckingInputStream.HEADER_BYTES));
            out.writeBytes(checked.readNBytes(length));
        }
        assertArrayEquals(stream, out.toByteArray());
        assertEquals(1, socketReads[0], "expected every record from one read of the socket");
        assertEquals(1, waits[0], "expected beforeRecord only before that read");
        assertEquals(0, checked.buffered());
        assertEquals(-1, checked.read());
        assertEquals(2, waits[0], "expected beforeRecord before the read that found the end");
    }

    /**
     * A connection's start tells TLS from anything else by content type and version, not the first byte
     * alone: a delimited request of 22 bytes starts with 0x16 as a handshake record does.
     */
    @Test
    void theStartOfAConnectionIsTlsOnlyWithAHandshakeTypeAndVersionThree() throws IOException {
        assertArrayEquals(new byte[] {0x16, 3, 1}, RecordHeaderCheckingInputStream.readStart(oneByteAtATime(record(0x16, 3, 1, 40))));
        assertTrue(RecordHeaderCheckingInputStream.canStartHandshake(new byte[] {0x16, 3, 3}, 3));
        byte[] delimited = {0x16, 0x0a, 0x14, 0x0a, 0x12};
        byte[] start = RecordHeaderCheckingInputStream.readStart(oneByteAtATime(delimited));
        assertArrayEquals(new byte[] {0x16, 0x0a}, start, "expected reading to stop at the byte that rules TLS out");
        assertFalse(RecordHeaderCheckingInputStream.canStartHandshake(start, start.length));
        assertFalse(RecordHeaderCheckingInputStream.canStartHandshake(new byte[] {0x16, 3, 9}, 3), "no TLS minor version 9");
        assertFalse(RecordHeaderCheckingInputStream.canStartHandshake("GET".getBytes(StandardCharsets.US_ASCII), 3));
        assertArrayEquals(new byte[] {0x16}, RecordHeaderCheckingInputStream.readStart(new ByteArrayInputStream(new byte[] {0x16})),
                "expected what came before the end of the input");
    }

    /** {@code bytes}, one per read, as a client that trickles them. */
    private static InputStream oneByteAtATime(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    /** A header and {@code length} body bytes. */
    private static byte[] record(int type, int major, int minor, int length) {
        byte[] record = new byte[RecordHeaderCheckingInputStream.HEADER_BYTES + length];
        record[0] = (byte) type;
        record[1] = (byte) major;
        record[2] = (byte) minor;
        record[3] = (byte) (length >> 8);
        record[4] = (byte) length;
        Arrays.fill(record, 5, record.length, (byte) 0x47); // bodies may hold anything, 'G' included
        return record;
    }

    /**
     * Requests and then an alert, a handshake message or text that is not TLS, in one segment: the JDK
     * may end TLS's output when it meets any of them (a TLS 1.2 close_notify closes both ways, a fatal
     * alert answers the text), so the answers go out before, and not between the requests' records.
     * They were lost: requests then close_notify, 0 of 5 answers in every run of an attacker's client;
     * 100 requests then {@code GET /} in one write, 77 answers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"alert", "handshake", "text"})
    void theAnswersAreFlushedBeforeARecordThatIsNotApplicationData(String next) throws IOException {
        byte[] handshake = record(0x16, 3, 3, 40);
        byte[] requests = concat(record(0x17, 3, 3, 30), record(0x17, 3, 3, 30));
        byte[] after = switch (next) {
            case "alert" -> record(0x15, 3, 3, 26);
            case "handshake" -> record(0x16, 3, 3, 20);
            default -> "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        };
        byte[] stream = concat(handshake, requests, after);
        int given = RecordHeaderCheckingInputStream.START_BYTES;
        RecordHeaderCheckingInputStream checked = new RecordHeaderCheckingInputStream(Arrays.copyOf(stream, given),
                new ByteArrayInputStream(stream, given, stream.length - given));
        ByteArrayOutputStream handedOn = new ByteArrayOutputStream();
        StringBuilder flushedAt = new StringBuilder();
        checked.beforeRecord(() -> flushedAt.append(handedOn.size()).append(' '));
        try {
            while (handedOn.size() < stream.length) { // as the JDK reads: a header, then exactly its body
                byte[] header = checked.readNBytes(RecordHeaderCheckingInputStream.HEADER_BYTES);
                handedOn.writeBytes(header);
                handedOn.writeBytes(checked.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff)));
            }
        } catch (SSLProtocolException notTls) {
            assertEquals("text", next, "only the text is refused: " + notTls);
        }
        int afterAt = handshake.length + requests.length;
        assertTrue((" " + flushedAt).contains(" " + afterAt + " "), "expected a flush with the requests handed on and"
                + " the " + next + " not yet (at byte " + afterAt + "); flushed at " + flushedAt);
        assertFalse((" " + flushedAt).contains(" " + (handshake.length + 35) + " "),
                "expected no flush between the two requests' records: " + flushedAt);
    }

    /**
     * The JDK reads warning alerts during a handshake one by one without end (an attacker's client kept a
     * core busy with them for the whole handshake timeout): four in a row pass, as OpenSSL takes, the
     * fifth fails at its header; alerts broken by other records never add up.
     */
    @Test
    void theFifthAlertRecordInARowFailsAtItsHeader() throws IOException {
        byte[] warning = record(0x15, 3, 3, 2);
        byte[] four = concat(record(0x16, 3, 3, 40), warning, warning, warning, warning);
        assertArrayEquals(four, readAll(four, 64), "expected four alerts in a row handed on");
        byte[] five = concat(four, warning);
        TooManyRecordsException e = assertThrows(TooManyRecordsException.class, () -> readAll(five, 64));
        assertTrue(e.getMessage().contains("5 alert records in a row"), e.getMessage());
        byte[] broken = concat(four, record(0x16, 3, 3, 40), warning, warning, warning, warning);
        assertArrayEquals(broken, readAll(broken, 7), "expected the count to start again after another record");
    }

    /**
     * Before its handshake is complete a peer may send {@value RecordLimits#MAX_HANDSHAKE_RECORDS}
     * records (the JDK reassembles a message split into tiny ones at a cost that grows with their
     * square); after it, any number, alerts in a row still bounded.
     */
    @Test
    void recordsBeforeTheHandshakeIsCompleteAreBoundedAndNotAfter() throws IOException {
        byte[] fragment = record(0x16, 3, 3, 1);
        byte[][] allowed = new byte[RecordLimits.MAX_HANDSHAKE_RECORDS][];
        Arrays.fill(allowed, fragment);
        byte[] most = concat(allowed);
        assertArrayEquals(most, readAll(most, 64), "expected the bound's worth of records handed on");
        byte[] oneMore = concat(most, fragment);
        TooManyRecordsException e = assertThrows(TooManyRecordsException.class, () -> readAll(oneMore, 64));
        assertTrue(e.getMessage().contains("before the handshake"), e.getMessage());

        int given = RecordHeaderCheckingInputStream.START_BYTES;
        byte[] handshake = record(0x16, 3, 3, 40);
        byte[][] after = new byte[10 * RecordLimits.MAX_HANDSHAKE_RECORDS][];
        for (int i = 0; i < after.length; i++) {
            after[i] = i % 2 == 0 ? record(0x17, 3, 3, 30) : record(0x15, 3, 3, 26);
        }
        byte[] stream = concat(handshake, concat(after));
        RecordHeaderCheckingInputStream checked = new RecordHeaderCheckingInputStream(Arrays.copyOf(stream, given),
                new ByteArrayInputStream(stream, given, stream.length - given));
        checked.readNBytes(handshake.length);
        checked.handshakeComplete();
        assertArrayEquals(Arrays.copyOfRange(stream, handshake.length, stream.length), checked.readAllBytes(),
                "expected records without bound once the handshake is complete");
        byte[] alerts = concat(handshake, record(0x15, 3, 3, 26), record(0x15, 3, 3, 26), record(0x15, 3, 3, 26),
                record(0x15, 3, 3, 26), record(0x15, 3, 3, 26));
        RecordHeaderCheckingInputStream established = new RecordHeaderCheckingInputStream(Arrays.copyOf(alerts, given),
                new ByteArrayInputStream(alerts, given, alerts.length - given));
        established.readNBytes(handshake.length);
        established.handshakeComplete();
        assertThrows(TooManyRecordsException.class, established::readAllBytes, "expected alerts in a row bounded after it too");
    }

    /** Reads {@code stream} (its first bytes given as read already) in reads of at most {@code chunk} bytes. */
    private static byte[] readAll(byte[] stream, int chunk) throws IOException {
        int given = Math.min(RecordHeaderCheckingInputStream.START_BYTES, stream.length);
        InputStream tcp = new ByteArrayInputStream(stream, given, stream.length - given);
        InputStream checked = new RecordHeaderCheckingInputStream(Arrays.copyOf(stream, given), tcp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        for (int n; (n = checked.read(buffer, 0, chunk)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
