package dev.echo.it.probe;

import dev.echo.core.Framing;
import java.util.List;

/** A whole probe run: the target, its framing, and every check's result in the order they ran. */
public record ProbeReport(String target, Framing framing, List<CheckResult> checks) {
    public ProbeReport {
        checks = List.copyOf(checks);
    }

    public long passed() {
        return count(Status.PASS);
    }

    public long failed() {
        return count(Status.FAIL);
    }

    public long skipped() {
        return count(Status.SKIP);
    }

    /** The status of check {@code id}, or null if it did not run. */
    public Status statusOf(String id) {
        return checks.stream().filter(c -> c.id().equals(id)).map(CheckResult::status).findFirst().orElse(null);
    }

    private long count(Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /**
     * {@code {"target", "framing", "checks": [{"id", "title", "status", "evidence", "millis"}],
     * "passed", "failed", "skipped"}}
     */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\"target\": ").append(quote(target))
                .append(", \"framing\": ").append(quote(framing.cliName())).append(", \"checks\": [");
        for (int i = 0; i < checks.size(); i++) {
            CheckResult c = checks.get(i);
            json.append(i == 0 ? "\n  " : ",\n  ")
                    .append("{\"id\": ").append(quote(c.id()))
                    .append(", \"title\": ").append(quote(c.title()))
                    .append(", \"status\": ").append(quote(c.status().name()))
                    .append(", \"evidence\": ").append(quote(c.evidence()))
                    .append(", \"millis\": ").append(c.millis()).append('}');
        }
        return json.append("\n], \"passed\": ").append(passed()).append(", \"failed\": ").append(failed())
                .append(", \"skipped\": ").append(skipped()).append("}\n").toString();
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) ch));
                    } else {
                        quoted.append(ch);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
