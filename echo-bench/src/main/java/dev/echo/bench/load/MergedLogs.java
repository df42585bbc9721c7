package dev.echo.bench.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * The logs of several generators that loaded one server together ({@code echo-load merge}): their
 * histograms added, so the percentiles are those of every measured request, not an average of
 * percentiles; their totals added; and one row per generator beside them.
 *
 * @param generators the logs, in the order given
 * @param latencyNanos every generator's latencies in one histogram
 */
public record MergedLogs(List<GeneratorLog> generators, Histogram latencyNanos) {

    /**
     * Merges {@code logs}.
     *
     * @throws IllegalArgumentException when there are none, or two carry the same tag (one log given twice,
     *     or two generators run with the same --tag), naming both files
     */
    public static MergedLogs of(List<GeneratorLog> logs) {
        if (logs.isEmpty()) {
            throw new IllegalArgumentException("no log to merge");
        }
        Map<String, GeneratorLog> byTag = new HashMap<>();
        Histogram all = new Histogram(3);
        for (GeneratorLog log : logs) {
            GeneratorLog other = byTag.putIfAbsent(log.totals().tag(), log);
            if (other != null) {
                throw new IllegalArgumentException("'" + other.file() + "' and '" + log.file() + "' are both generator '"
                        + log.totals().tag() + "': the same log twice, or two runs with one --tag");
            }
            all.add(log.latencyNanos());
        }
        return new MergedLogs(List.copyOf(logs), all);
    }

    /** Every request sent was verified, and no connection failed. */
    public boolean clean() {
        return generators.stream().allMatch(g -> g.totals().failed() == 0 && g.totals().connectionErrors() == 0);
    }

    /** The report, one row per generator and one for all; {@link Report#toJson()} for {@code --json}. */
    public Report report() {
        List<Row> rows = generators.stream().map(g -> Row.of(g.totals(), g.latencyNanos())).toList();
        Row total = new Row("all", latencyFrom(rows), sum(rows, Row::offeredRate), sumOf(rows, Row::sent),
                sumOf(rows, Row::answered), sumOf(rows, Row::verified), sumOf(rows, Row::failed),
                sumOf(rows, Row::connectionErrors),
                rows.stream().mapToDouble(Row::durationSeconds).max().orElse(0),
                LoadReport.tenths(sum(rows, Row::throughputRps)), LoadReport.Latency.of(latencyNanos));
        return new Report(rows, total, clean());
    }

    /** The human-readable table: one line a generator, then all of them, then the merged percentiles. */
    public String summary() {
        Report report = report();
        int width = Math.max(9, report.generators().stream().mapToInt(r -> r.tag().length()).max().orElse(0));
        String rowFormat = "  %-" + width + "s %9s %10d %10d %10d %7d %8d %10.0f %10.1f%n";
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "echo-load merge: %d generators, latency %s%n", generators.size(),
                switch (report.total().latencyFrom()) {
                    case "intended_send" -> "from each request's intended send time (corrected for coordinated omission)";
                    case "actual_send" -> "from each request's actual send (closed loop)";
                    default -> "MIXED: some generators from the intended send time (--rate), some from the actual"
                            + " send (closed loop)";
                }));
        text.append(String.format(Locale.ROOT, "  %-" + width + "s %9s %10s %10s %10s %7s %8s %10s %10s%n", "generator",
                "offered/s", "sent", "answered", "verified", "failed", "conn.err", "req/s", "p99 us"));
        for (Row row : report.generators()) {
            text.append(rowText(rowFormat, row));
        }
        text.append(rowText(rowFormat, report.total()));
        LoadReport.Latency l = report.total().latencyUs();
        text.append(String.format(Locale.ROOT,
                "  latency us, all %d measured requests: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                l.count(), l.p50(), l.p90(), l.p99(), l.p999(), l.max()));
        text.append("  verdict: ").append(report.clean() ? "every answer verified"
                : "FAILED: " + report.total().failed() + " requests not verified, "
                        + report.total().connectionErrors() + " connection errors");
        return text.toString();
    }

    private static String rowText(String format, Row row) {
        String offered = switch (row.latencyFrom()) {
            case "actual_send" -> "closed";
            case "mixed" -> "mixed";
            default -> String.format(Locale.ROOT, "%.0f", row.offeredRate());
        };
        return String.format(Locale.ROOT, format, row.tag(), offered,
                row.sent(), row.answered(), row.verified(), row.failed(), row.connectionErrors(), row.throughputRps(),
                row.latencyUs().p99());
    }

    private static String latencyFrom(List<Row> rows) {
        List<String> kinds = rows.stream().map(Row::latencyFrom).distinct().toList();
        return kinds.size() == 1 ? kinds.get(0) : "mixed";
    }

    private static long sumOf(List<Row> rows, ToLongFunction<Row> field) {
        return rows.stream().mapToLong(field).sum();
    }

    private static double sum(List<Row> rows, ToDoubleFunction<Row> field) {
        return rows.stream().mapToDouble(field).sum();
    }

    /**
     * {@code echo-load merge --json}.
     *
     * @param generators one row per log, in the order given
     * @param total the rows added (throughput: the generators' added, as they ran at once; duration: the
     *     longest), the latency that of every measured request
     * @param clean every request sent verified and no connection failed
     */
    public record Report(List<Row> generators, Row total, boolean clean) {

        /** The JSON document, pretty-printed as {@code echo-load --json}'s, ending in a newline. */
        public String toJson() {
            try {
                return LoadReport.WRITER.writeValueAsString(this) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a merge report cannot fail to serialise: " + this, e);
            }
        }
    }

    /**
     * One generator's figures, or all of them added.
     *
     * @param tag the generator's --tag; "all" for the total
     * @param latencyFrom {@code intended_send} (--rate, corrected for coordinated omission), {@code actual_send}
     *     (closed loop), or for the total {@code mixed} when the generators differ
     * @param offeredRate requests per second asked for, 0 = closed loop; for the total, the rates added
     * @param sent requests sent, warmup included
     * @param answered answers received, warmup included
     * @param verified answers that were the expected one
     * @param failed requests sent and not verified
     * @param connectionErrors connections that failed to open or broke
     * @param durationSeconds the measured window
     * @param throughputRps answers per second in the measured window
     * @param latencyUs the measured window's latency percentiles
     */
    public record Row(String tag, @JsonProperty("latency_from") String latencyFrom,
                      @JsonProperty("offered_rate") double offeredRate, long sent, long answered, long verified,
                      long failed, @JsonProperty("connection_errors") long connectionErrors,
                      @JsonProperty("duration_s") double durationSeconds,
                      @JsonProperty("throughput_rps") double throughputRps,
                      @JsonProperty("latency_us") LoadReport.Latency latencyUs) {

        static Row of(RunTotals t, Histogram latencyNanos) {
            return new Row(t.tag(), t.fromIntendedSendTime() ? "intended_send" : "actual_send", t.offeredRate(),
                    t.sent(), t.answered(), t.verified(), t.failed(), t.connectionErrors(),
                    LoadReport.millis(t.measuredSeconds()), LoadReport.tenths(t.throughput()),
                    LoadReport.Latency.of(latencyNanos));
        }
    }
}
