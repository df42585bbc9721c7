package dev.echo.it.probe;

import java.util.Optional;

/**
 * The catalogue: every check the probe runs, in the order it runs them. Ids are stable (scripts
 * and --only name them). {@code peer-reset} comes last because a server with the original's defect
 * dies of it, and every check after it would only report "target unreachable".
 */
enum Check {
    ECHO("echo", "\"Hello, World!\" is echoed", SingleRequestChecks::echo),
    LARGE_ECHO("large-echo", "a 4 KiB text in one write is echoed whole", SingleRequestChecks::largeEcho),
    ADD("add", "add 10 + 20", SingleRequestChecks::add),
    ADD_OVERFLOW("add-overflow", "2147483647 + 1 gets ADD_OVERFLOW", SingleRequestChecks::addOverflow),
    CONCURRENT_CLIENTS("concurrent-clients", "a second client is answered while a first stays silent",
            ConcurrencyChecks::concurrentClients),
    PIPELINED("pipelined", "100 requests in one write, all answered in order", StreamChecks::pipelined),
    SPLIT("split", "a request written a few bytes at a time is answered", StreamChecks::split),
    HALF_CLOSE("half-close", "requests then a half-close are all answered", StreamChecks::halfClose),
    EMPTY_REQUEST("empty-request", "an empty ClientMessage gets EMPTY_REQUEST", SingleRequestChecks::emptyRequest),
    MALFORMED("malformed", "bytes that are no ClientMessage get MALFORMED_MESSAGE", SingleRequestChecks::malformed),
    OVERSIZED("oversized", "a 64 MiB frame claim gets FRAME_TOO_LARGE or a close", StreamChecks::oversized),
    MANY_CLIENTS("many-clients", "200 clients x 20 mixed requests at once", ConcurrencyChecks::manyClients),
    SCENARIOS_X20("scenarios-x20", "the original five client scenarios, 20 runs at once", ConcurrencyChecks::scenarios),
    CHURN("churn", "1,000 connect/request/close cycles, then a new client", ConcurrencyChecks::churn),
    PEER_RESET("peer-reset", "clients resetting do not hurt other clients", ConcurrencyChecks::peerReset);

    /** A check's work: returns the evidence of a pass, throws the evidence of a failure. */
    @FunctionalInterface
    interface Body {
        String run(Target target) throws CheckFailedException, CheckSkippedException, InterruptedException;
    }

    final String id;
    final String title;
    final Body body;

    Check(String id, String title, Body body) {
        this.id = id;
        this.title = title;
        this.body = body;
    }

    static Optional<Check> byId(String id) {
        for (Check check : values()) {
            if (check.id.equals(id)) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }
}
