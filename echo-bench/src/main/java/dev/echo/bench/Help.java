package dev.echo.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.commons.cli.Options;

/** --help text from the same {@link Options} that parse the command line. */
public final class Help {
    private Help() {}

    /** The usage line, the header, every option with its description, then the footer. */
    @SuppressWarnings("deprecation") // the classic formatter: the same layout as echo-server's --help
    public static String text(String syntax, String header, Options options, String footer) {
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text);
        new org.apache.commons.cli.HelpFormatter().printHelp(writer, 100, syntax, "\n" + header + "\n\n", options,
                2, 2, footer.isEmpty() ? "" : "\n" + footer, false);
        writer.flush();
        return text.toString();
    }
}
