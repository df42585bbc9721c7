package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.certs.CertificateAuthority;
import dev.echo.certs.Issued;
import dev.echo.testkit.Await;
import dev.echo.core.BufferBudget;
import dev.echo.core.tls.TlsMaterialException;
import dev.echo.testkit.OwnThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The watcher's warnings as an operator reads them, on a clock the test moves: the expiry warning at
 * the start and once a day after, none while more time is left, the refusal of a half-written file
 * (one line naming it, the last good certificate kept), and a certificate and key written one after
 * the other loaded together. The test calls each check itself (reload interval 0: no thread).
 */
class TlsMaterialWatcherTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final String REFUSED = "TLS files changed but were not loaded, still serving the last good certificate: ";

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("watcher test CA", Duration.ofDays(60));
    private final MovableClock clock = new MovableClock(Instant.now());
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<Boolean> reloads = new CopyOnWriteArrayList<>();
    private TlsTransport transport;

    @Test
    void aCertificateThatExpiresWithin14DaysIsWarnedOfAtTheStartThenOnceADay() throws Exception {
        Issued served = issue(Duration.ofDays(10));
        TlsMaterialWatcher watcher = start();
        String expires = "the TLS certificate served expires on " + notAfter(served) + ": replace " + chain();
        assertEquals(List.of(expires), warnings, "expected the warning at the start");

        clock.advance(TlsMaterialWatcher.WARNING_REPEAT.minusSeconds(1));
        watcher.check();
        assertEquals(1, warnings.size(), "expected no second warning within a day: " + warnings);
        clock.advance(Duration.ofSeconds(1));
        watcher.check();
        assertEquals(List.of(expires, expires), warnings, "expected the warning again a day later");

        clock.advance(Duration.ofDays(10));
        watcher.check();
        assertEquals("the TLS certificate served expired on " + notAfter(served) + ": replace " + chain(),
                warnings.get(2), "expected an expired certificate said to have expired: " + warnings);
    }

    @Test
    void aCertificateWith15DaysLeftIsWarnedOfOnlyOnceItHas14() throws Exception {
        issue(Duration.ofDays(15));
        TlsMaterialWatcher watcher = start();
        watcher.check();
        assertEquals(List.of(), warnings, "expected no warning with 15 days left");
        clock.advance(DAY.plusMinutes(1));
        watcher.check();
        assertEquals(1, warnings.size(), "expected the warning once under 14 days were left: " + warnings);
    }

    @Test
    void aReloadedCertificateWithTimeLeftEndsTheWarnings() throws Exception {
        issue(Duration.ofDays(10));
        TlsMaterialWatcher watcher = start();
        assertEquals(1, warnings.size(), "expected the warning at the start: " + warnings);

        Issued next = issue(Duration.ofDays(40));
        watcher.check(); // sees the change
        watcher.check(); // sees it again, loads
        assertEquals(List.of(true), reloads, "expected one reload");
        assertEquals(notAfter(next), transport.material().notAfter(), "expected the new certificate served");
        clock.advance(DAY.multipliedBy(2));
        watcher.check();
        assertEquals(1, warnings.size(), "expected no warning once a certificate with 40 days left is served: " + warnings);
    }

    @Test
    void aHalfWrittenCertificateIsRefusedInOneLineNamingItAndTheLastGoodOneStays() throws Exception {
        Issued first = issue(Duration.ofDays(30));
        TlsMaterialWatcher watcher = start();

        Path whole = dir.resolve("next.pem");
        ca.issueServer("localhost", List.of("localhost"), Instant.now().minus(DAY), Instant.now().plus(Duration.ofDays(31)))
                .writeChain(whole);
        byte[] bytes = Files.readAllBytes(whole);
        swapIn(chain(), Arrays.copyOf(bytes, bytes.length / 2));
        for (int i = 0; i < 5; i++) {
            watcher.check();
        }
        assertEquals(List.of(false), reloads, "expected one refused reload, not tried again while the files stay the same");
        assertEquals(1, warnings.size(), "expected one line: " + warnings);
        assertTrue(warnings.get(0).startsWith(REFUSED) && warnings.get(0).contains(chain().toString()),
                "expected the line to say the files were not loaded and name the file: " + warnings.get(0));
        assertEquals(notAfter(first), transport.material().notAfter(), "expected the last good certificate still served");

        Issued fixed = issue(Duration.ofDays(32));
        watcher.check();
        watcher.check();
        assertEquals(List.of(false, true), reloads, "expected the whole files loaded once written");
        assertEquals(notAfter(fixed), transport.material().notAfter(), "expected the whole files' certificate served");
    }

    /**
     * A certificate whose notBefore is seconds ahead (a CA whose clock runs ahead, openssl's default of
     * no backdating): refused, then loaded by a later check with no write in between, once it is valid;
     * one line and one refusal counted however often it was tried. Before, a refused file was tried
     * again only when written again: the old certificate stayed until it expired.
     */
    @Test
    void aRefusedCertificateIsTriedAgainWithoutAWriteAndLoadedOnceItIsValid() throws Exception {
        Issued first = issue(Duration.ofDays(30));
        TlsMaterialWatcher watcher = start();
        Instant validFrom = Instant.now().plusSeconds(5); // valid 4 to 5 s from now: far beyond the two checks below
        Issued early = ca.issueServer("localhost", List.of("localhost"), validFrom, validFrom.plus(Duration.ofDays(31)));
        swapIn(chain(), early);
        watcher.check();
        watcher.check();
        assertEquals(List.of(false), reloads, "expected the not-yet-valid certificate refused");
        assertTrue(warnings.get(0).startsWith(REFUSED) && warnings.get(0).contains("not valid before"), warnings.toString());
        assertEquals(notAfter(first), transport.material().notAfter(), "expected the last good certificate still served");

        // Retried after 1, 2, 4 ... 64 checks: 200 checks from its notBefore on load it whatever the pace.
        Await.until("the certificate loaded once valid, with no write", Duration.ofSeconds(30), () -> {
            watcher.check();
            return reloads.contains(true);
        }, () -> reloads + " " + warnings);
        for (int i = 0; i < 200; i++) {
            watcher.check();
        }
        assertEquals(List.of(false, true), reloads, "expected one refusal counted, then one reload: " + warnings);
        assertEquals(1, warnings.size(), "expected one line for the refusal however often it was tried: " + warnings);
        assertEquals(notAfter(early), transport.material().notAfter(), "expected the new certificate served");
        Instant notBefore = early.certificate().getNotBefore().toInstant(); // validFrom to the second, rounded down
        assertTrue(!Instant.now().isBefore(notBefore), "loaded before its notBefore " + notBefore);
    }

    /** Swaps {@code issued}'s chain and key into the served files, key first. */
    private void swapIn(Path chain, Issued issued) throws IOException {
        Path newChain = dir.resolve("early.pem");
        Path newKey = dir.resolve("early.key");
        issued.writeChain(newChain);
        issued.writeKey(newKey);
        swapIn(key(), Files.readAllBytes(newKey));
        swapIn(chain, Files.readAllBytes(newChain));
    }

    /** A FIFO swapped in for the key: opening it would wait for a writer, for ever. */
    @Test
    @ResourceLock(TestServers.CHILD_PROCESSES)
    void aFifoInPlaceOfTheKeyIsRefusedWithoutWaitingAndALaterGoodPairIsLoaded() throws Exception {
        Issued first = issue(Duration.ofDays(30));
        TlsMaterialWatcher watcher = start();
        Path fifo = dir.resolve("fifo.tmp");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + fifo);
        Files.move(fifo, key(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        CompletableFuture<Void> checks = CompletableFuture.runAsync(() -> {
            watcher.check();
            watcher.check();
        }, OwnThread.named("checks"));
        assertEquals(null, checks.get(10, TimeUnit.SECONDS), "the checks ended");
        assertEquals(List.of(false), reloads, "expected one refused reload");
        assertTrue(warnings.size() == 1 && warnings.get(0).startsWith(REFUSED) && warnings.get(0).contains(key() + " is not a regular file"),
                "expected one line naming the FIFO: " + warnings);
        assertEquals(notAfter(first), transport.material().notAfter(), "expected the last good certificate still served");

        Issued fixed = issue(Duration.ofDays(32));
        watcher.check();
        watcher.check();
        assertEquals(List.of(false, true), reloads, "expected the good pair loaded once written");
        assertEquals(notAfter(fixed), transport.material().notAfter(), "expected the good pair's certificate served");
    }

    /** A check between the two writes sees a chain that does not match the key; without the two-checks rule, a refusal. */
    @Test
    void aCertificateAndKeyWrittenOneAfterTheOtherAreLoadedTogether() throws Exception {
        issue(Duration.ofDays(30));
        TlsMaterialWatcher watcher = start();
        Issued next = ca.issueServer("localhost", List.of("localhost"), Instant.now().minus(DAY),
                Instant.now().plus(Duration.ofDays(35)));
        Path nextChain = dir.resolve("next.pem");
        Path nextKey = dir.resolve("next.key");
        next.writeChain(nextChain);
        next.writeKey(nextKey);

        swapIn(chain(), Files.readAllBytes(nextChain));
        watcher.check();
        swapIn(key(), Files.readAllBytes(nextKey));
        watcher.check();
        watcher.check();
        assertEquals(List.of(), warnings, "expected no refusal of the pair written one after the other");
        assertEquals(List.of(true), reloads, "expected one reload of both");
        assertEquals(notAfter(next), transport.material().notAfter(), "expected the new certificate served");
    }

    private Path chain() {
        return dir.resolve("server.pem");
    }

    private Path key() {
        return dir.resolve("server.key");
    }

    /** Issues a server certificate with {@code left} to run and swaps it and its key into the served files. */
    private Issued issue(Duration left) throws IOException {
        Issued server = ca.issueServer("localhost", List.of("localhost"), Instant.now().minus(DAY), Instant.now().plus(left));
        Path newChain = dir.resolve("issued.pem");
        Path newKey = dir.resolve("issued.key");
        server.writeChain(newChain);
        server.writeKey(newKey);
        swapIn(chain(), Files.readAllBytes(newChain));
        swapIn(key(), Files.readAllBytes(newKey));
        return server;
    }

    /**
     * Replaces {@code file} by a rename, as an atomic writer does: a new file, so a change the watcher
     * sees even when size and modification time come out the same (a rewrite within the clock's tick).
     */
    private void swapIn(Path file, byte[] content) throws IOException {
        Path next = Files.createTempFile(dir, "swap", ".tmp");
        Files.write(next, content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private TlsMaterialWatcher start() throws TlsMaterialException {
        ServerTls tls = ServerTls.builder(chain(), key()).reloadCheckInterval(Duration.ZERO).build();
        transport = new TlsTransport(tls, TlsMaterial.load(tls), BufferBudget.unlimited(), new TlsCounters(clock),
                new byte[0], () -> { }, clock);
        TlsMaterialWatcher watcher = new TlsMaterialWatcher(tls, transport, reloads::add, warnings::add, clock, 0);
        watcher.start();
        return watcher;
    }

    private static Instant notAfter(Issued issued) {
        return issued.certificate().getNotAfter().toInstant();
    }

    /** A clock that stands still until moved. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("not needed here");
        }
    }
}
