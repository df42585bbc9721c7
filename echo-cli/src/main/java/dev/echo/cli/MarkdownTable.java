package dev.echo.cli;

/**
 * The README's option table of a tool, made from the same definitions as its help, so the two
 * cannot drift apart: each tool's tests compare the README with this.
 */
final class MarkdownTable {
    private MarkdownTable() {}

    static String render(CommandSpec spec) {
        boolean environment = spec.options().stream().anyMatch(o -> spec.environmentVariable(o) != null);
        StringBuilder table = new StringBuilder(environment
                ? "| option | default | environment | meaning |\n|---|---|---|---|\n"
                : "| option | default | meaning |\n|---|---|---|\n");
        for (CliOption<?> option : spec.options()) {
            table.append("| ").append(code(option.synopsis())).append(" | ").append(shownDefault(option));
            if (environment) {
                String variable = spec.environmentVariable(option);
                table.append(" | ").append(variable == null ? "" : code(variable));
            }
            table.append(" | ").append(cell(option.description())).append(" |\n");
        }
        return table.toString();
    }

    /** A default that is a value is code (`8080`); a label ("off") is prose. */
    private static String shownDefault(CliOption<?> option) {
        if (option.defaultLabel() != null) {
            return cell(option.defaultLabel());
        }
        return option.defaultValue() == null ? "" : code(option.defaultValue());
    }

    private static String code(String text) {
        return "`" + cell(text) + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
