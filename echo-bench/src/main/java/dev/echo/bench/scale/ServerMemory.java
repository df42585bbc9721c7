package dev.echo.bench.scale;

import dev.echo.testkit.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The server's memory and open files while the generators run: the peaks, and one full reading
 * (RSS, heap after a full GC) as soon as it holds every connection. That moment is inside the
 * generators' warmup, so the forced full GC of the heap reading does not land in the measured window.
 *
 * @param idleRssKib RSS before any connection
 * @param idleHeapKib heap after a full GC before any connection
 * @param loadedFiles open files when the loaded reading was taken
 * @param loadedRssKib RSS at that reading
 * @param loadedHeapKib heap after a full GC at that reading
 * @param peakFiles most open files seen
 * @param peakRssKib largest RSS seen
 */
record ServerMemory(long idleRssKib, long idleHeapKib, long loadedFiles, long loadedRssKib, long loadedHeapKib,
                    long peakFiles, long peakRssKib) {

    /** The idle reading, printed as one line. */
    static ServerMemory idle(ServerProcess server, String jcmd, String label, PrintStream out)
            throws IOException, InterruptedException {
        long rss = ProcStatus.rssKib(server.pid());
        long heap = ProcStatus.heapUsedAfterGcKib(jcmd, server.pid());
        out.printf(Locale.ROOT, "server %s: pid %d, port %d; idle RSS %d MiB, heap after GC %d MiB%n",
                label, server.pid(), server.port(), rss / 1024, heap / 1024);
        return new ServerMemory(rss, heap, -1, -1, -1, 0, 0);
    }

    /**
     * Samples until every generator has exited: the loaded reading once the server holds
     * {@code connections} open files (or {@code giveUpMillis} passed), right after which {@code
     * sampled} runs, and the peaks throughout.
     *
     * @throws IOException when the server exits under load
     */
    ServerMemory sampleUntilDone(ServerProcess server, String jcmd, List<Process> generators, int connections,
                                 long giveUpMillis, Runnable sampled, PrintStream out)
            throws IOException, InterruptedException {
        long pid = server.pid();
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(giveUpMillis);
        ServerMemory m = this;
        while (generators.stream().anyMatch(Process::isAlive)) {
            if (!server.isAlive()) {
                throw new IOException("the server exited under load; its output is in " + server.log());
            }
            long files = ProcStatus.openFiles(pid);
            m = m.withPeaks(files, ProcStatus.rssKib(pid));
            if (m.loadedHeapKib < 0 && (files >= connections || System.nanoTime() >= giveUpAt)) {
                m = new ServerMemory(m.idleRssKib, m.idleHeapKib, files, ProcStatus.rssKib(pid),
                        ProcStatus.heapUsedAfterGcKib(jcmd, pid), m.peakFiles, m.peakRssKib);
                out.printf(Locale.ROOT, "server holds %d open files: RSS %d MiB, heap after GC %d MiB%n",
                        files, m.loadedRssKib / 1024, m.loadedHeapKib / 1024);
                sampled.run();
            }
            generators.getLast().waitFor(m.loadedHeapKib < 0 ? 200 : 1000, TimeUnit.MILLISECONDS);
        }
        return m;
    }

    private ServerMemory withPeaks(long files, long rssKib) {
        return new ServerMemory(idleRssKib, idleHeapKib, loadedFiles, loadedRssKib, loadedHeapKib,
                Math.max(peakFiles, files), Math.max(peakRssKib, rssKib));
    }
}
