package dev.echo.it.probe;

import dev.echo.core.Messages;
import java.util.List;

/** Checks of many clients at once, clients that come and go, and clients that reset. */
final class ConcurrencyChecks {
    static final int MANY_CLIENTS = 200;
    static final int REQUESTS_PER_CLIENT = 20;
    static final int SCENARIO_RUNS = 20;
    static final int CHURN_CYCLES = 1000;
    static final List<String> SCENARIO_MESSAGES = List.of("Hello, World!", "How are you?", "Goodbye!");

    private ConcurrencyChecks() {}

    static String concurrentClients(Target target) throws CheckFailedException {
        target.connect(); // connected and silent for the whole check
        try {
            target.connect().exchange(Messages.echo("second client"));
        } catch (CheckFailedException e) {
            throw e.in("second client, while the first stayed connected");
        }
        return "answered";
    }

    /** Each client alternates echo and add, one request at a time; the first wrong answer ends all. */
    static String manyClients(Target target) throws CheckFailedException, InterruptedException {
        Crowd.run(target, MANY_CLIENTS, client -> {
            ProbeConnection connection = target.connect();
            for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                try {
                    if (r % 2 == 0) {
                        String content = "client-" + client + "-request-" + r;
                        connection.exchange(Messages.echo(content));
                    } else {
                        int a = client * 1000 + r;
                        connection.exchange(Messages.add(a, r));
                    }
                } catch (CheckFailedException e) {
                    throw e.in("request " + (r + 1));
                }
            }
            connection.close();
        });
        return MANY_CLIENTS * REQUESTS_PER_CLIENT + " answers right";
    }

    /** Connect/disconnect, one echo, three echoes, three clients in turn, one add: 20 of each at once. */
    static String scenarios(Target target) throws CheckFailedException, InterruptedException {
        Crowd.run(target, 5 * SCENARIO_RUNS, task -> {
            switch (task % 5) {
                case 0 -> target.connect().close();
                case 1 -> target.connect().exchange(Messages.echo("Hello, World!"));
                case 2 -> {
                    ProbeConnection connection = target.connect();
                    for (String message : SCENARIO_MESSAGES) {
                        connection.exchange(Messages.echo(message));
                    }
                }
                case 3 -> {
                    List<ProbeConnection> clients = List.of(target.connect(), target.connect(), target.connect());
                    for (String message : SCENARIO_MESSAGES) {
                        for (ProbeConnection connection : clients) {
                            connection.exchange(Messages.echo(message));
                        }
                    }
                }
                default -> target.connect().exchange(Messages.add(10, 20));
            }
        });
        return 5 * SCENARIO_RUNS + " scenarios passed";
    }

    static String churn(Target target) throws CheckFailedException {
        for (int cycle = 1; cycle <= CHURN_CYCLES; cycle++) {
            String content = "churn-" + cycle;
            try (ProbeConnection connection = target.connect()) {
                connection.exchange(Messages.echo(content));
            } catch (CheckFailedException e) {
                throw e.in("cycle " + cycle);
            }
        }
        try {
            target.connect().exchange(Messages.echo("after churn"));
        } catch (CheckFailedException e) {
            throw e.in("after " + CHURN_CYCLES + " cycles, a new client");
        }
        return CHURN_CYCLES + " cycles, then a new client served";
    }

    /**
     * A connected client is served first (for a one-client-at-a-time server, it is the one being
     * served). Then three clients reset: one before sending anything, one inside a request, one
     * after a whole request. The first client must still be served, and once it has left, a new one.
     */
    static String peerReset(Target target) throws CheckFailedException {
        ProbeConnection first = target.connect();
        try {
            first.exchange(Messages.echo("before the resets"));
        } catch (CheckFailedException e) {
            throw e.in("the first client, before any reset");
        }
        byte[] request = target.framing().encode(Messages.echo("reset-" + Texts.text("", 40)));
        target.connect().reset();
        target.connect().write(java.util.Arrays.copyOf(request, request.length / 2)).reset();
        target.connect().write(request).reset();
        try {
            first.exchange(Messages.echo("after the resets"));
        } catch (CheckFailedException e) {
            throw e.in("3 clients reset (before, inside, after a request); then the connected client");
        }
        first.close();
        try {
            target.connect().exchange(Messages.echo("a new client"));
        } catch (CheckFailedException e) {
            throw e.in("3 clients reset, the connected one was served and left; then a new client");
        }
        return "the connected client and a new one served";
    }
}
