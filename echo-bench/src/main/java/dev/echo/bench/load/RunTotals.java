package dev.echo.bench.load;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One generator's totals, as the last line of its {@link LatencyLog}: a comment, which HdrHistogram's
 * readers skip, of {@code key=value} words, so that {@code echo-load merge} can add the counts of
 * several generators as it adds their histograms.
 *
 * <pre>{@code
 * #echo-load totals: tag=gen-1 latency_from=intended_send offered_rate=500 sent=6000 answered=6000
 *   verified=6000 failed=0 connection_errors=0 measured_s=10.001 measured_answers=5000 latencies=5000
 * }</pre>
 * (one line in the file).
 *
 * @param tag the generator's name ({@code --tag}), also on each of its intervals
 * @param fromIntendedSendTime whether latency counts from each request's intended send time (--rate:
 *     corrected for coordinated omission) rather than from its actual send (closed loop)
 * @param offeredRate requests per second asked for, 0 = closed loop
 * @param sent requests sent, warmup included
 * @param answered answers received, warmup included
 * @param verified answers that were the expected one (content and order)
 * @param failed requests not verified: mismatched, answered with an error, or unanswered
 * @param connectionErrors connections that failed to open or broke
 * @param measuredSeconds length of the measured window
 * @param measuredAnswers answers inside the measured window
 * @param latencies latencies in the log's intervals: a log that holds fewer is cut short
 */
public record RunTotals(String tag, boolean fromIntendedSendTime, double offeredRate, long sent, long answered,
                        long verified, long failed, long connectionErrors, double measuredSeconds,
                        long measuredAnswers, long latencies) {

    /** The start of the line; the rest is {@code key=value} words. */
    static final String PREFIX = "#echo-load totals:";
    /** What a tag may hold: HdrHistogram's log reader splits a line at spaces and commas. */
    private static final Pattern TAG = Pattern.compile("[^\\s,=]+");

    /** @throws IllegalArgumentException for a tag that is empty or holds a space, a comma or '=' */
    public RunTotals {
        checkTag(tag);
    }

    /**
     * Checks that {@code tag} can name a generator in a log.
     *
     * @throws IllegalArgumentException for a tag that is empty or holds a space, a comma or '='
     */
    public static String checkTag(String tag) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("a tag must be one word without ',' or '=': '" + tag + "'");
        }
        return tag;
    }

    /** The totals of {@code result}, the run of the generator called {@code tag}. */
    static RunTotals of(String tag, LoadResult result) {
        long verified = result.responses() - result.mismatches() - result.errorAnswers();
        return new RunTotals(tag, result.config().openLoop(), result.config().rate(), result.requests(),
                result.responses(), verified, result.requests() - verified, result.connectionErrors(),
                result.measuredSeconds(), result.measuredResponses(), result.latencyNanos().getTotalCount());
    }

    /** Answers per second inside the measured window. */
    public double throughput() {
        return measuredSeconds > 0 ? measuredAnswers / measuredSeconds : 0;
    }

    /** The comment line, without its newline. */
    String toLine() {
        Map<String, String> words = new LinkedHashMap<>();
        words.put("tag", tag);
        words.put("latency_from", fromIntendedSendTime ? "intended_send" : "actual_send");
        words.put("offered_rate", plain(offeredRate));
        words.put("sent", Long.toString(sent));
        words.put("answered", Long.toString(answered));
        words.put("verified", Long.toString(verified));
        words.put("failed", Long.toString(failed));
        words.put("connection_errors", Long.toString(connectionErrors));
        words.put("measured_s", String.format(Locale.ROOT, "%.3f", measuredSeconds));
        words.put("measured_answers", Long.toString(measuredAnswers));
        words.put("latencies", Long.toString(latencies));
        StringBuilder line = new StringBuilder(PREFIX);
        words.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        return line.toString();
    }

    /**
     * Reads a line {@link #toLine()} wrote.
     *
     * @throws IOException naming the missing or bad word
     */
    static RunTotals parse(String line) throws IOException {
        if (!line.startsWith(PREFIX)) {
            throw new IOException("not a totals line: " + line);
        }
        Map<String, String> words = new LinkedHashMap<>();
        for (String word : line.substring(PREFIX.length()).trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IOException("totals line word '" + word + "' is not key=value");
            }
            words.put(word.substring(0, eq), word.substring(eq + 1));
        }
        String from = word(words, "latency_from");
        if (!from.equals("intended_send") && !from.equals("actual_send")) {
            throw new IOException("totals line latency_from '" + from + "' is not intended_send or actual_send");
        }
        try {
            return new RunTotals(word(words, "tag"), from.equals("intended_send"),
                    number(words, "offered_rate"), count(words, "sent"), count(words, "answered"),
                    count(words, "verified"), count(words, "failed"), count(words, "connection_errors"),
                    number(words, "measured_s"), count(words, "measured_answers"), count(words, "latencies"));
        } catch (IllegalArgumentException e) {
            throw new IOException("totals line: " + e.getMessage(), e);
        }
    }

    private static String word(Map<String, String> words, String key) throws IOException {
        String value = words.get(key);
        if (value == null) {
            throw new IOException("totals line has no " + key + "=");
        }
        return value;
    }

    private static long count(Map<String, String> words, String key) throws IOException {
        String text = word(words, key);
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("totals line " + key + "=" + text + " is not a count");
    }

    private static double number(Map<String, String> words, String key) throws IOException {
        String text = word(words, key);
        try {
            double value = Double.parseDouble(text);
            if (value >= 0 && Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("totals line " + key + "=" + text + " is not a number of 0 or more");
    }

    /** 500 rather than 500.0, 12.5 as it is. */
    static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
