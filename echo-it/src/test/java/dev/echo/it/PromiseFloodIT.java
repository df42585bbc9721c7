package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.proto.ErrorResponse.Code;
import dev.echo.core.proto.ServerMessage;
import dev.echo.testkit.Await;
import dev.echo.testkit.ServerProcess;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Frames promised but not delivered, against the server jar with a 128 MiB heap that exits on
 * OutOfMemoryError, while legitimate clients run beside the attack and are measured per wave.
 *
 * <p>A promise is a length prefix of 4 MiB - 1, just under the default limit, and one byte of the
 * body:
 *
 * <pre>
 * +----------------+------+
 * | ff ff ff 01    | 0a   |   5 bytes sent, then nothing: the connection holds
 * | varint 4194303 | body |
 * +----------------+------+
 * </pre>
 *
 * A server that sizes its buffer by the promise holds 4 MiB for 5 bytes; 32 of them fill this heap.
 * A server whose buffers grow only with bytes that arrived holds thousands. Promises that are kept
 * (all but the last 100 bytes really sent, 48 of them: ~190 MiB, more than the heap) must meet the
 * server-wide budget of buffered frame bytes: SERVER_BUSY naming the buffer budget, and a close.
 */
class PromiseFloodIT {
    private static final List<String> SMALL_HEAP = List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
    private static final int CLAIM = 4 * 1024 * 1024 - 1;
    /** {@code ff ff ff 01} is the varint of {@link #CLAIM}. */
    private static final byte[] PREFIX = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
    private static final byte[] PROMISE = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x0A};
    /** Promises held at once, wave after wave; each wave is released before the next. */
    private static final int[] WAVES = {250, 500, 1_000, 1_000};
    private static final int KEPT_PROMISES = 48;
    private static final int LEGITIMATE_CLIENTS = 4;
    /** Right answers the legitimate clients must get while each wave is held. */
    private static final int ANSWERS_PER_WAVE = 200;
    /** A bound for a starved machine, far above the milliseconds a healthy run shows. */
    private static final Duration P99_BOUND = Duration.ofSeconds(5);
    /** In the server's periodic counters: {@code stats: connections active=1004 accepted=...}. */
    private static final Pattern ACTIVE = Pattern.compile("\\bconnections active=(\\d+)");
    /** In the server's summary line: {@code ...; closed: idle=0 write-stalled=0 over-budget=44}. */
    private static final Pattern OVER_BUDGET = Pattern.compile("\\bover-budget=(\\d+)");

    @Test
    void wavesOfAThousandHeldPromisesLeaveTheHeapAndLegitimateClientsAlone() throws IOException {
        // The counters logged every 200 ms show when the server holds a whole wave.
        try (ServerProcess server = startSmallHeapServer()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            List<LegitimateClients.Wave> waves = new ArrayList<>();
            try (LegitimateClients legitimate = LegitimateClients.start(port, LEGITIMATE_CLIENTS)) {
                waves.add(awaitWave(server, legitimate, "before the attack"));
                for (int size : WAVES) {
                    Queue<WireClient> promises = new ConcurrentLinkedQueue<>();
                    try {
                        Parallel.Outcome opened = Parallel.run(size, Duration.ofSeconds(60), i -> {
                            WireClient connection = WireClient.connect(port);
                            promises.add(connection);
                            connection.write(PROMISE);
                        });
                        assertAlive(server, "once " + size + " promises were sent");
                        opened.assertAllSucceeded("promise connections to open and send 5 bytes");
                        Await.until("the server to hold " + size + " promise connections", Duration.ofSeconds(30),
                                () -> activeConnections(server) >= size || !server.isAlive(),
                                () -> "its last count was " + activeConnections(server));
                        assertAlive(server, "with " + size + " promise connections open");
                        awaitAnswersWhileAlive(server, legitimate, ANSWERS_PER_WAVE, "with " + size + " promises held");
                    } finally {
                        Clients.closeAll(promises, "a promise connection");
                    }
                    waves.add(legitimate.wave(size + " promises held"));
                }
                waves.add(awaitWave(server, legitimate, "after the attack"));
            }
            assertLegitimateClientsServed(waves);
            assertAlive(server, "at the end");
        }
    }

    @Test
    void keptPromisesBeyondTheHeapMeetTheBufferBudget() throws IOException {
        // The counters logged every 200 ms tell how many attackers the server refused.
        try (ServerProcess server = startSmallHeapServer()) {
            int port = server.awaitPort(Duration.ofSeconds(30));
            List<LegitimateClients.Wave> waves = new ArrayList<>();
            Queue<Attacker> attackers = new ConcurrentLinkedQueue<>();
            List<String> outcomes = new ArrayList<>();
            try (LegitimateClients legitimate = LegitimateClients.start(port, LEGITIMATE_CLIENTS)) {
                waves.add(awaitWave(server, legitimate, "before the attack"));
                try {
                    Parallel.Outcome sent = Parallel.run(KEPT_PROMISES, Duration.ofSeconds(60),
                            i -> attackers.add(Attacker.keepPromise(port)));
                    assertAlive(server, "once " + KEPT_PROMISES + " attackers sent their ~4 MiB");
                    sent.assertAllSucceeded("attackers to connect");
                    // An attacker that could not send everything was closed by the server: its answer is due.
                    Await.until("an answer or an end for every attacker the server stopped reading", Duration.ofSeconds(30),
                            () -> attackers.stream().allMatch(a -> a.wroteAll || a.answer.isDone()),
                            () -> attackers.stream().filter(a -> !a.wroteAll && !a.answer.isDone()).count()
                                    + " attackers could not send everything and have no answer; " + server.describe());
                    // A refused attacker may have written everything (the server drains after its answer)
                    // and not yet read the answer waiting for it: wait for as many answers as the server
                    // counted refusals in a counter line logged after every attacker had its outcome.
                    int linesBefore = server.stderr().size();
                    Await.until("every attacker the server refused to have read its answer", Duration.ofSeconds(30),
                            () -> {
                                long counted = lastOverBudget(server, linesBefore);
                                return counted >= 0 && attackers.stream().filter(a -> a.answer.isDone()).count() >= counted;
                            },
                            () -> "the server counted " + lastOverBudget(server, linesBefore) + " over-budget closes, "
                                    + attackers.stream().filter(a -> a.answer.isDone()).count() + " attackers have an answer");
                    awaitAnswersWhileAlive(server, legitimate, ANSWERS_PER_WAVE,
                            "with " + KEPT_PROMISES + " kept promises of 4 MiB - 1 in progress");
                    waves.add(legitimate.wave(KEPT_PROMISES + " kept promises"));
                    attackers.forEach(attacker -> outcomes.add(attacker.outcome())); // before closing ends the held ones
                } finally {
                    Clients.closeAll(attackers.stream().map(attacker -> attacker.connection).toList(), "an attacker");
                }
                waves.add(awaitWave(server, legitimate, "after the attack"));
            }
            assertAlive(server, "at the end");
            assertLegitimateClientsServed(waves);
            server.terminate();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)), "expected exit 0 after SIGTERM: " + server.describe());
            String summary = server.stdout().stream().filter(line -> line.startsWith("echo-server stopped:")).findFirst()
                    .orElseThrow(() -> new AssertionError("expected the 'echo-server stopped:' line: " + server.describe()));
            Matcher overBudget = OVER_BUDGET.matcher(summary);

            long refused = 0;
            long held = 0;
            List<String> unexpected = new ArrayList<>();
            for (String outcome : outcomes) {
                if (outcome.equals("refused")) {
                    refused++;
                } else if (outcome.equals("held")) {
                    held++;
                } else {
                    unexpected.add(outcome);
                }
            }
            System.err.println("echo-it: " + KEPT_PROMISES + " kept promises of " + CLAIM + " bytes: " + refused
                    + " refused with SERVER_BUSY (buffer budget), " + held + " held; unexpected: " + unexpected);
            assertEquals(List.of(), unexpected, "expected every attacker either refused with SERVER_BUSY naming the"
                    + " buffer budget or held without an answer");
            assertTrue(overBudget.find() && Long.parseLong(overBudget.group(1)) == refused, "expected the server to count the "
                    + refused + " refusals the attackers read as over-budget closes: " + summary);
            assertTrue(refused >= 1, "expected some of " + KEPT_PROMISES + " attackers sending ~4 MiB each (more than"
                    + " the 128 MiB heap together) refused with SERVER_BUSY naming the buffer budget, but " + refused
                    + " were; " + held + " held");
        }
    }

    /** An attacker that sends all but the last 100 bytes of a 4 MiB - 1 frame, reading any answer meanwhile. */
    private static final class Attacker {
        private static final byte[] ZEROS = new byte[64 * 1024];
        final WireClient connection;
        final CompletableFuture<ServerMessage> answer = new CompletableFuture<>();
        volatile boolean wroteAll;
        volatile IOException writeFailure;

        private Attacker(WireClient connection) {
            this.connection = connection;
        }

        static Attacker keepPromise(int port) throws IOException {
            WireClient connection = WireClient.connect(port);
            connection.setReadTimeout(Duration.ofMinutes(2)); // a held attacker waits; close() ends the read
            Attacker attacker = new Attacker(connection);
            Thread.ofVirtual().name("attacker-reader").start(() -> {
                try {
                    attacker.answer.complete(connection.receiveOrNull());
                } catch (Throwable e) {
                    attacker.answer.completeExceptionally(e);
                }
            });
            try {
                connection.write(PREFIX);
                for (int sent = 0; sent < CLAIM - 100; ) {
                    int n = Math.min(ZEROS.length, CLAIM - 100 - sent);
                    connection.write(ZEROS, 0, n);
                    sent += n;
                }
                attacker.wroteAll = true;
            } catch (IOException e) {
                attacker.writeFailure = e;
            }
            return attacker;
        }

        /** "refused", "held", or what else happened. */
        String outcome() {
            if (!answer.isDone()) {
                return wroteAll ? "held" : "no answer after a failed write (" + writeFailure + ")";
            }
            if (answer.isCompletedExceptionally()) {
                return "closed without an answer (" + answer.exceptionNow() + "; write failure: " + writeFailure + ")";
            }
            ServerMessage message = answer.resultNow();
            if (message == null) {
                return "closed without an answer (end of stream; write failure: " + writeFailure + ")";
            }
            if (message.hasError() && message.getError().getCode() == Code.SERVER_BUSY
                    && message.getError().getDetail().contains("buffer budget")) {
                return "refused";
            }
            return "answered " + message.toString().strip().replace('\n', ' ');
        }
    }

    /** The server under attack: the small heap, room for 2,000 connections, and counters logged every 200 ms. */
    private static ServerProcess startSmallHeapServer() throws IOException {
        return ServerJar.process().jvmOptions(SMALL_HEAP).args("--host", "127.0.0.1", "--port", "0",
                "--max-connections", "2000", "--log-level", "info", "--stats-interval", "200ms").start();
    }

    /** 100 more right legitimate answers {@code when}, then the wave they belong to. */
    private static LegitimateClients.Wave awaitWave(ServerProcess server, LegitimateClients legitimate, String when) {
        awaitAnswersWhileAlive(server, legitimate, 100, when);
        return legitimate.wave(when);
    }

    /** Waits for {@code more} right legitimate answers; a server that died meanwhile fails at once, saying so. */
    private static void awaitAnswersWhileAlive(ServerProcess server, LegitimateClients legitimate, int more, String when) {
        long target = legitimate.answers() + more;
        Await.until(more + " more right answers to the legitimate clients " + when + ", or the server's death",
                Duration.ofSeconds(60), () -> legitimate.answers() >= target || !server.isAlive(),
                () -> (legitimate.answers() - target + more) + " came, " + legitimate.failures() + " failures so far");
        assertAlive(server, when);
    }

    /** The last {@code over-budget=N} the server logged after its first {@code skip} lines of stderr, or -1. */
    private static long lastOverBudget(ServerProcess server, int skip) {
        return lastLogged(server, OVER_BUDGET, skip);
    }

    /** The last {@code connections active=N} the server logged, or -1. */
    private static long activeConnections(ServerProcess server) {
        return lastLogged(server, ACTIVE, 0);
    }

    /** The number in the last match of {@code counter} in the server's stderr after its first {@code skip} lines, or -1. */
    private static long lastLogged(ServerProcess server, Pattern counter, int skip) {
        List<String> lines = server.stderr();
        for (int i = lines.size() - 1; i >= skip; i--) {
            Matcher match = counter.matcher(lines.get(i));
            if (match.find()) {
                return Long.parseLong(match.group(1));
            }
        }
        return -1;
    }

    private static void assertAlive(ServerProcess server, String when) {
        // The JVM's own "Terminating due to java.lang.OutOfMemoryError" goes to stdout.
        List<String> outOfMemory = Stream.concat(server.stdout().stream(), server.stderr().stream())
                .filter(line -> line.contains("OutOfMemoryError")).toList();
        assertTrue(server.isAlive() && outOfMemory.isEmpty(), "expected the 128 MiB server alive and without"
                + " OutOfMemoryError " + when + ", but " + server.describe());
    }

    private static void assertLegitimateClientsServed(List<LegitimateClients.Wave> waves) {
        for (LegitimateClients.Wave wave : waves) {
            assertEquals(0, wave.failures(), "expected no legitimate request to fail: " + wave);
            assertTrue(wave.answers() > 0, "expected legitimate answers in every wave: " + wave);
            assertTrue(wave.p99Micros() < P99_BOUND.toNanos() / 1000,
                    "expected the legitimate p99 under " + P99_BOUND + " (a bound for a starved machine): " + wave);
        }
    }
}
