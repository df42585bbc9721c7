package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.client.ClientConfig;
import dev.echo.testkit.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Three server processes behind a real HAProxy running the shipped {@code deploy/haproxy/haproxy.cfg},
 * under 200 callers (100 library clients, 2 callers each) at 5,000 requests a second in all: a rolling
 * restart with SIGTERM, twice over; an instance killed with SIGKILL and started again; and the same roll
 * with the library's retries turned off, to count what retries buy. Every answer is checked.
 */
@RequiresHaproxy
@Isolated("5,000 requests a second through HAProxy and three servers take the machine's cores; p99 is printed")
class FleetRollIT {
    static final int CLIENTS = 100;
    static final int CALLERS_EACH = 2;
    /** Each of the 200 callers calls every 40 ms: 5,000 requests a second in all. */
    static final Duration PERIOD = Duration.ofMillis(40);
    static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void aRollingRestartUnderLoadLosesNoCall() throws Exception {
        try (Fleet fleet = Fleet.start(3); Haproxy haproxy = Haproxy.start(fleet.servers(), STEP);
             FleetLoad load = new FleetLoad(config(haproxy).build(), PERIOD).add(CLIENTS, CALLERS_EACH)) {
            Phase before = steady(load);
            long started = System.nanoTime();
            roll(fleet, haproxy, 2);
            Phase during = Phase.of(load.interval(), System.nanoTime() - started);
            report("rolling restart x2, retries on", before, during, load);
            assertEquals(List.of(), load.wrongAnswers(), "every answer right");
            assertEquals(0, load.failed(), () -> "no call failed during the roll: " + load.stats() + "; first failures: "
                    + first(load.failures()));
            assertTrue(during.calls() > 0, "calls were answered during the roll");
        }
    }

    @Test
    void aKilledInstanceCostsNoCallAndComesBack() throws Exception {
        try (Fleet fleet = Fleet.start(3); Haproxy haproxy = Haproxy.start(fleet.servers(), STEP);
             FleetLoad load = new FleetLoad(config(haproxy).build(), PERIOD).add(CLIENTS, CALLERS_EACH)) {
            Phase before = steady(load);
            long started = System.nanoTime();
            fleet.kill(1);
            haproxy.awaitStatus("echo2", "DOWN", STEP);
            fleet.restart(1);
            haproxy.awaitStatus("echo2", "UP", STEP);
            // The clients of the killed instance reconnected to the others at once and stay there:
            // only new connections reach the instance that came back (leastconn sends them there).
            load.add(20, 1);
            Await.until("the restarted instance to answer 1,000 requests", STEP, () -> fleet.answered(1) >= 1_000,
                    () -> "echo2 answered " + fleet.answered(1) + "; " + load.stats() + "; haproxy: " + haproxy.tail());
            Phase during = Phase.of(load.interval(), System.nanoTime() - started);
            report("kill -9 and restart of one instance, retries on", before, during, load);
            assertEquals(List.of(), load.wrongAnswers(), "every answer right");
            assertEquals(0, load.failedBeforeDeadline(), () -> "no call failed before its deadline: " + load.stats()
                    + "; first failures: " + first(load.failures()));
        }
    }

    @Test
    void withoutRetriesTheRollsFailedCallsAreCounted() throws Exception {
        try (Fleet fleet = Fleet.start(3); Haproxy haproxy = Haproxy.start(fleet.servers(), STEP);
             FleetLoad load = new FleetLoad(config(haproxy).noRetries().build(), PERIOD).add(CLIENTS, CALLERS_EACH)) {
            Phase before = steady(load);
            long started = System.nanoTime();
            roll(fleet, haproxy, 2);
            Phase during = Phase.of(load.interval(), System.nanoTime() - started);
            report("rolling restart x2, retries off", before, during, load);
            System.out.println("fleet: without retries, " + load.failed() + " calls failed during the roll of "
                    + during.calls() + "; kinds: " + kinds(load.failures()));
            assertEquals(List.of(), load.wrongAnswers(), "every answer right, even without retries");
            // What a client without retries sees: the connection ended under its request, or the server
            // answered SHUTTING_DOWN; nothing else.
            for (String failure : load.failures()) {
                assertTrue(failure.startsWith("ConnectionLostException") || failure.contains("SHUTTING_DOWN"),
                        () -> "a failure of the kinds a roll causes: " + failure);
            }
        }
    }

    static ClientConfig.Builder config(Haproxy haproxy) {
        return ClientConfig.builder().addresses(haproxy.address()).requestTimeout(Duration.ofSeconds(30));
    }

    /** Each instance in turn: SIGTERM, out of rotation, started again on its ports, back in rotation. */
    static void roll(Fleet fleet, Haproxy haproxy, int rounds) throws IOException {
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < fleet.servers().size(); i++) {
                String name = "echo" + (i + 1);
                fleet.terminate(i);
                haproxy.awaitStatus(name, "DOWN", STEP);
                fleet.restart(i);
                haproxy.awaitStatus(name, "UP", STEP);
            }
        }
    }

    /** Waits out the clients' start, then measures 40,000 calls (about 8 s) of steady load. */
    static Phase steady(FleetLoad load) {
        long warm = load.answered() + 25_000;
        Await.until("25,000 calls answered to warm up", STEP, () -> load.answered() >= warm, load::stats);
        load.interval();
        long started = System.nanoTime();
        long target = load.answered() + 40_000;
        Await.until("40,000 calls answered at steady load", STEP, () -> load.answered() >= target, load::stats);
        return Phase.of(load.interval(), System.nanoTime() - started);
    }

    static void report(String what, Phase before, Phase during, FleetLoad load) {
        System.out.printf("fleet: %s: before %s; during %s; %s%n", what, before, during, load.stats());
    }

    static List<String> first(List<String> failures) {
        return failures.subList(0, Math.min(5, failures.size()));
    }

    /** How many failures of each exception class. */
    static String kinds(List<String> failures) {
        return failures.stream().collect(Collectors.groupingBy(
                f -> f.substring(0, f.indexOf(':') < 0 ? f.length() : f.indexOf(':')),
                TreeMap::new, Collectors.counting())).toString();
    }

    /** The calls of one phase: their number, rate and latency from the moment each was due. */
    record Phase(long calls, double seconds, long p50Micros, long p99Micros, long maxMicros) {
        static Phase of(Histogram h, long nanos) {
            return new Phase(h.getTotalCount(), nanos / 1e9, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getMaxValue());
        }

        @Override
        public String toString() {
            return String.format("%,d calls in %.1f s (%,.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms", calls, seconds,
                    calls / seconds, p50Micros / 1e3, p99Micros / 1e3, maxMicros / 1e3);
        }
    }
}
