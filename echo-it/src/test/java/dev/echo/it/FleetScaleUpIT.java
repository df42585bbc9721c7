package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A fourth server added under load through HAProxy's runtime API ({@code add server}, {@code enable
 * health}, {@code enable server}), as the README's "Running a fleet" shows: it passes its health
 * checks and receives the new connections, and no call fails.
 */
@RequiresHaproxy
@Isolated("5,000 requests a second through HAProxy and four servers take the machine's cores")
class FleetScaleUpIT {

    @Test
    void aServerAddedAtRuntimeTakesNewConnections() throws Exception {
        try (Fleet fleet = Fleet.start(3); Haproxy haproxy = Haproxy.start(fleet.servers(), FleetRollIT.STEP);
             FleetLoad load = new FleetLoad(FleetRollIT.config(haproxy).build(), FleetRollIT.PERIOD)
                     .add(FleetRollIT.CLIENTS, FleetRollIT.CALLERS_EACH)) {
            FleetRollIT.Phase before = FleetRollIT.steady(load);
            long started = System.nanoTime();
            int added = fleet.add();
            Haproxy.Server server = fleet.server(added);
            String name = Haproxy.BACKEND + "/echo4";
            // A server added at runtime does not take the default-server line: its check settings are spelled out.
            String answer = haproxy.command("add server " + name + " 127.0.0.1:" + server.port() + " check port "
                    + server.metricsPort() + " inter 500ms fastinter 250ms downinter 1s fall 1 rise 2");
            assertTrue(answer.contains("New server registered"), () -> "add server: " + answer);
            assertEquals("", haproxy.command("enable health " + name).strip(), "enable health");
            assertEquals("", haproxy.command("enable server " + name).strip(), "enable server");
            haproxy.awaitStatus("echo4", "UP", FleetRollIT.STEP);
            // The 100 clients keep their connections; 20 new clients connect now, and leastconn sends
            // them to the server holding none.
            load.add(20, 1);
            Await.until("the added server to answer 1,000 requests", FleetRollIT.STEP, () -> fleet.answered(added) >= 1_000,
                    () -> "echo4 answered " + fleet.answered(added) + "; " + load.stats() + "; haproxy: " + haproxy.tail());
            long connections = Long.parseLong(haproxy.servers().get("echo4").get("stot"));
            FleetRollIT.Phase during = FleetRollIT.Phase.of(load.interval(), System.nanoTime() - started);
            FleetRollIT.report("scale up 3 -> 4, " + connections + " new connections to echo4, which answered "
                    + fleet.answered(added), before, during, load);
            assertTrue(connections >= 10, "most of the 20 new clients' connections went to echo4: " + connections);
            assertEquals(List.of(), load.wrongAnswers(), "every answer right");
            assertEquals(0, load.failed(), () -> "no call failed: " + load.stats() + "; first failures: "
                    + FleetRollIT.first(load.failures()));
        }
    }
}
