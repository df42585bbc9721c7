package dev.echo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds a tool's option table in the README: the table right after the line
 * {@code <!-- options: NAME -->}. A tool's test compares it with {@link CommandSpec#markdownTable()}.
 */
public final class ReadmeTables {
    private ReadmeTables() {}

    /** The marker line that precedes {@code toolName}'s table. */
    public static String marker(String toolName) {
        return "<!-- options: " + toolName + " -->";
    }

    /**
     * The table after {@code toolName}'s marker, each line ending in a newline.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it has no such marker
     */
    public static String table(Path readme, String toolName) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int at = lines.indexOf(marker(toolName));
        if (at < 0) {
            throw new IllegalArgumentException(readme + " has no line '" + marker(toolName) + "'");
        }
        StringBuilder table = new StringBuilder();
        for (int i = at + 1; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            table.append(lines.get(i)).append('\n');
        }
        return table.toString();
    }
}
