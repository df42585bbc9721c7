package dev.echo.client.shell;

import java.io.PrintWriter;

/**
 * How the shell prints answers, chosen once from the options and from whether standard output is a
 * terminal: a person at a terminal sees round-trip times; a pipe or {@code $(...)} gets the bare
 * answer, with error answers on stderr.
 *
 * @param json one JSON object per answer ({@code --json})
 * @param timings the round trip's time after each text answer
 * @param errorsApart error answers on stderr instead of beside the answers
 */
record OutputStyle(boolean json, boolean timings, boolean errorsApart) {

    /** The style for {@code options} when standard output {@code isTerminal} or not. */
    static OutputStyle of(ClientOptions options, boolean toTerminal) {
        return new OutputStyle(options.json(), options.timings().on(toTerminal), !toTerminal);
    }

    /** An {@link Output} of this style on {@code out} (answers) and {@code err} (trouble). */
    Output on(PrintWriter out, PrintWriter err) {
        return json ? new JsonOutput(out, err) : new TextOutput(out, err, timings, errorsApart);
    }
}
