package dev.echo.it.probe;

import dev.echo.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Probes a server that speaks the echo protocol, over the wire only, with the checks of the
 * original server's defects and of the protocol's rules: the facade behind {@code bin/echo-probe},
 * like h2spec for HTTP/2 servers. It depends on the wire contract alone (echo-core), so any server
 * in any language can be probed.
 *
 * <pre>{@code
 * ProbeReport report = Probe.run(ProbeConfig.of("127.0.0.1", 8080, Framing.DELIMITED), r -> {});
 * }</pre>
 */
public final class Probe {
    /**
     * No check takes longer, whatever the target does: at this point its connections are closed and
     * the next check starts. Well above a healthy run of the slowest check (churn) on a busy machine.
     */
    static final Duration CHECK_LIMIT = Duration.ofSeconds(120);

    private Probe() {}

    /** Every check id, in the order they run. */
    public static List<String> checkIds() {
        return Arrays.stream(Check.values()).map(check -> check.id).toList();
    }

    /**
     * Runs the configured checks one after another, handing each result to {@code onResult} as it
     * comes. Each check closes every connection it opened before the next starts.
     */
    public static ProbeReport run(ProbeConfig config, Consumer<CheckResult> onResult) {
        List<CheckResult> results = new ArrayList<>();
        for (Check check : Check.values()) {
            if (config.only().isEmpty() || config.only().contains(check.id)) {
                CheckResult result = run(check, config);
                results.add(result);
                onResult.accept(result);
            }
        }
        return new ProbeReport(config.address(), config.framing(), results);
    }

    private static CheckResult run(Check check, ProbeConfig config) {
        Target target = new Target(config);
        long start = System.nanoTime();
        FutureTask<String> task = new FutureTask<>(() -> check.body.run(target));
        Thread thread = Thread.ofVirtual().name("probe-" + check.id).start(task);
        Status status;
        String evidence;
        try {
            evidence = task.get(CHECK_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            status = Status.PASS;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            status = cause instanceof CheckSkippedException ? Status.SKIP : Status.FAIL;
            evidence = cause instanceof CheckFailedException || cause instanceof CheckSkippedException
                    ? cause.getMessage()
                    : "the probe failed: " + cause; // a bug of ours, shown rather than hidden
        } catch (TimeoutException e) {
            target.abortAll(); // wakes the check's blocked reads
            thread.interrupt();
            status = Status.FAIL;
            evidence = "did not finish within " + format(CHECK_LIMIT);
        } catch (InterruptedException e) {
            target.abortAll();
            thread.interrupt();
            Thread.currentThread().interrupt();
            status = Status.FAIL;
            evidence = "interrupted";
        }
        target.closeAll();
        join(thread);
        return new CheckResult(check.id, check.title, status, evidence, (System.nanoTime() - start) / 1_000_000);
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A duration as the command line reads it: 2s, 500ms. */
    static String format(Duration duration) {
        return Durations.format(duration);
    }
}
