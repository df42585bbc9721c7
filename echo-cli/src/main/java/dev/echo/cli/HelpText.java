package dev.echo.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Help in one layout for every tool: at most {@value #WIDTH} columns, no trailing spaces, options in
 * their groups, each with its default and (for a service) its environment variable.
 */
final class HelpText {
    static final int WIDTH = 100;
    /** Option synopses longer than this put their description on the next line. */
    private static final int MAX_SYNOPSIS = 30;

    private HelpText() {}

    static String render(CommandSpec spec, String usage, String header, String footer, boolean environment) {
        StringBuilder text = new StringBuilder();
        wrap(text, "usage: " + usage, "       ");
        paragraphs(text, header);
        int column = 2 + Math.min(MAX_SYNOPSIS, spec.options().stream()
                .mapToInt(o -> o.synopsis().length()).max().orElse(0)) + 2;
        for (CommandSpec.Group group : spec.groups()) {
            text.append('\n').append(group.title()).append(":\n");
            for (CliOption<?> option : group.options()) {
                option(text, spec, option, column);
            }
        }
        if (environment) {
            paragraphs(text, "An option that takes a value may also come from the environment variable shown"
                    + " beside it; the command line wins over the variable.");
        }
        paragraphs(text, footer);
        return text.toString();
    }

    /** "(default: 8080; env ECHO_PORT)", "(default: 8080)", "(env ECHO_HOST)" or "". */
    static String suffix(CommandSpec spec, CliOption<?> option) {
        List<String> parts = new ArrayList<>();
        if (option.shownDefault() != null) {
            parts.add("default: " + option.shownDefault());
        }
        String variable = spec.environmentVariable(option);
        if (variable != null) {
            parts.add("env " + variable);
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }

    private static void option(StringBuilder text, CommandSpec spec, CliOption<?> option, int column) {
        String left = "  " + option.synopsis();
        String indent = " ".repeat(column);
        String description = option.description() + suffix(spec, option);
        if (left.length() + 2 > column) {
            text.append(left).append('\n');
            wrap(text, indent + description, indent);
        } else {
            wrap(text, left + " ".repeat(column - left.length()) + description, indent);
        }
    }

    private static void paragraphs(StringBuilder text, String paragraphs) {
        if (paragraphs == null || paragraphs.isBlank()) {
            return;
        }
        text.append('\n');
        for (String paragraph : paragraphs.split("\n")) {
            wrap(text, paragraph, "");
        }
    }

    /** Appends {@code line} broken at spaces into lines of at most WIDTH, continuing with {@code indent}. */
    static void wrap(StringBuilder text, String line, String indent) {
        String rest = line.stripTrailing();
        while (rest.length() > WIDTH) {
            int cut = rest.lastIndexOf(' ', WIDTH);
            if (cut <= indent.length()) {
                cut = rest.indexOf(' ', WIDTH); // one word longer than a line: let it overflow, alone
                if (cut < 0) {
                    break;
                }
            }
            text.append(rest.substring(0, cut).stripTrailing()).append('\n'); // a cut inside "  " leaves one
            rest = indent + rest.substring(cut + 1).stripLeading();
        }
        text.append(rest).append('\n');
    }
}
