package dev.echo.it.probe;

/**
 * One check's outcome: its stable id, its title, how it ended, the evidence (what was sent and what
 * came back, or did not), and how long it took.
 */
public record CheckResult(String id, String title, Status status, String evidence, long millis) {

    /** {@code FAIL  add  add 10 + 20  (no answer within 2s)} */
    public String line() {
        return String.format("%-4s  %-18s  %s  (%s)", status, id, title, evidence);
    }
}
