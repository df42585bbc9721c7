package dev.echo.client.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whether the shell may keep its history in a file. JLine, given one it cannot write, printed a
 * warning with a stack trace after every command and ended the shell with exit 2 at Ctrl-D; given one
 * that is not a history file ({@code ECHO_CLIENT_HISTORY} pointed at notes), it replaced the file's
 * lines with its own (both an attacker's findings). Such a file is left alone, and the history kept
 * for the session only.
 */
final class HistoryFile {
    /** JLine's line: the time in milliseconds, a colon, the command. */
    private static final Pattern ENTRY = Pattern.compile("\\d+:.*");
    /** Read at most this much of an existing file to tell whether it is a history. */
    private static final int CHECKED_LINES = 10_000;

    private HistoryFile() {}

    /** Why {@code file} cannot be the history file, or null if it can. */
    static String unusable(Path file) {
        if (Files.isDirectory(file)) {
            return file + " is a directory";
        }
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                return file + " is not a regular file";
            }
            if (!Files.isReadable(file) || !Files.isWritable(file)) {
                return file + " cannot be read and written";
            }
            return notAHistory(file);
        }
        Path directory = file.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory) || !Files.isWritable(directory)) {
            return file + " cannot be created (" + (directory == null ? "no directory" : directory + " is not a writable directory") + ")";
        }
        return null;
    }

    private static String notAHistory(Path file) {
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (int n = 1; n <= CHECKED_LINES && (line = lines.readLine()) != null; n++) {
                if (!line.isEmpty() && !ENTRY.matcher(line).matches()) {
                    return file + " is not an echo-client history (line " + n + " has no time stamp); it is left as it is";
                }
            }
            return null;
        } catch (IOException e) {
            return file + " cannot be read: " + e.getMessage();
        }
    }
}
