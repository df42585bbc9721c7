package dev.echo.server;

import dev.echo.core.Durations;
import dev.echo.core.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the TLS files when they change, on one platform daemon thread ({@code echo-tls-PORT}).
 * Every check interval it reads each file's modification time, size and file key (following
 * symbolic links, so that Kubernetes' update of a mounted Secret, an atomic swap of its {@code
 * ..data} link, is a change like a rewrite). A change is loaded once two checks in a row see the
 * same files, so that a certificate and key written one after the other are read together; material
 * that does not load is refused with one line and counted, and the last good one stays. Refused files
 * are tried again while they stay as they are, after 1, 2, 4 ... {@value #MAX_RETRY_CHECKS} checks: what
 * refused them may pass without a write (a permission mended by chmod, descriptors freed, a certificate's
 * notBefore reached), and a line and a count come only when the reason changes. The same
 * thread warns once a day from {@link #EXPIRY_WARNING} before the certificate served expires.
 * Warnings go to a sink, the log's WARN unless a test takes them ({@link #LOG_WARNINGS}).
 */
final class TlsMaterialWatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TlsMaterialWatcher.class);
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    static final Duration WARNING_REPEAT = Duration.ofDays(1);
    /** The sink of a server's watcher: the log, at WARN. */
    static final Consumer<String> LOG_WARNINGS = log::warn;

    /** What a check found of one file; null fields when it could not be read. */
    private record Stamp(Path file, Object modified, long size, Object key) {}

    private final ServerTls tls;
    private final TlsTransport target;
    private final Consumer<Boolean> reloaded;
    private final Consumer<String> warnings;
    private final Clock clock;
    private final Thread thread;
    private final PeriodicPause pause;
    private List<Stamp> loaded;
    /** Stamps seen changed at the last check, waiting for one more check to see them again. */
    private List<Stamp> pending;
    private Instant lastExpiryWarning = Instant.MIN;
    /** The most checks between two tries of the same refused files: about a minute at the default interval. */
    static final int MAX_RETRY_CHECKS = 64;
    /** Why the files as they are now were refused, or null: they loaded, or no try since they changed. */
    private String refusedBecause;
    /** Checks between tries of refused files, doubling up to {@link #MAX_RETRY_CHECKS}, and how many are left. */
    private int retryEvery;
    private int checksUntilRetry;

    /**
     * @param reloaded told true for each reload that took effect, false for each refused
     * @param warnings told each warning line: a refused reload, a certificate that expires soon
     */
    TlsMaterialWatcher(ServerTls tls, TlsTransport target, Consumer<Boolean> reloaded, Consumer<String> warnings,
                       Clock clock, int port) {
        this.tls = tls;
        this.target = target;
        this.reloaded = reloaded;
        this.warnings = warnings;
        this.clock = clock;
        this.pause = new PeriodicPause(Durations.nanosSaturated(tls.reloadCheckInterval()));
        this.loaded = stamps();
        this.thread = Thread.ofPlatform().daemon(true).name("echo-tls-" + port).unstarted(this);
    }

    /** Starts checking, unless the interval is zero; warns at once if the certificate expires soon. */
    void start() {
        warnIfExpiringSoon();
        if (pause.periodNanos() > 0) {
            thread.start();
        }
    }

    /** Stops the thread and waits up to {@code wait} for it to end. */
    void stop(Duration wait) throws InterruptedException {
        pause.stop();
        if (thread.isAlive()) {
            thread.join(wait);
        }
    }

    @Override
    public void run() {
        try {
            while (pause.awaitNext()) {
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One check: loads files that changed and have stayed the same since the last check. */
    void check() {
        List<Stamp> now = stamps();
        if (now.equals(loaded)) {
            pending = null;
            if (refusedBecause != null && --checksUntilRetry <= 0) {
                retryEvery = Math.min(2 * retryEvery, MAX_RETRY_CHECKS);
                checksUntilRetry = retryEvery;
                reload();
            }
        } else if (!now.equals(pending)) {
            pending = now; // changed: load once the next check sees the same
        } else {
            pending = null;
            loaded = now;
            refusedBecause = null; // new files: a refusal of them is news
            retryEvery = 1;
            checksUntilRetry = 1;
            reload();
        }
        warnIfExpiringSoon();
    }

    private void reload() {
        for (Path file : TlsMaterial.files(tls)) {
            if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
                // A FIFO's open waits for a writer: this thread waited for ever, silently, and with it every
                // later reload and expiry warning (an attacker's finding). Devices and sockets are no PEM either.
                refused(file + " is not a regular file (a FIFO, a device or a socket): not read");
                return;
            }
        }
        TlsMaterial material;
        try {
            material = TlsMaterial.load(tls);
        } catch (TlsMaterialException e) {
            refused(e.getMessage());
            return;
        } catch (RuntimeException e) {
            refused(e.toString());
            return;
        }
        target.use(material);
        refusedBecause = null;
        reloaded.accept(true);
        lastExpiryWarning = Instant.MIN;
        log.info("TLS files reloaded: new connections get {}", material.describe());
    }

    private void refused(String why) {
        if (why.equals(refusedBecause)) {
            return; // tried again, refused again for the same reason: said and counted once
        }
        refusedBecause = why;
        warnings.accept("TLS files changed but were not loaded, still serving the last good certificate: " + why);
        reloaded.accept(false);
    }

    private void warnIfExpiringSoon() {
        Instant now = clock.instant();
        Instant notAfter = target.material().notAfter();
        if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) < 0
                && Duration.between(lastExpiryWarning, now).compareTo(WARNING_REPEAT) >= 0) {
            lastExpiryWarning = now;
            warnings.accept("the TLS certificate served " + (now.isAfter(notAfter) ? "expired" : "expires") + " on "
                    + notAfter + ": replace " + tls.certificateChain());
        }
    }

    private List<Stamp> stamps() {
        List<Stamp> stamps = new ArrayList<>();
        for (Path file : TlsMaterial.files(tls)) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(new Stamp(file, attributes.lastModifiedTime(), attributes.size(),
                        Objects.requireNonNullElse(attributes.fileKey(), "")));
            } catch (IOException e) {
                stamps.add(new Stamp(file, null, -1, e.getClass().getName()));
            }
        }
        return stamps;
    }

    /** The thread, alive between {@link #start()} and {@link #stop}. */
    Thread thread() {
        return thread;
    }
}
