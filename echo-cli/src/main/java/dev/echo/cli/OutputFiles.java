package dev.echo.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Output files named on a command line, checked before any work starts: a run of minutes must not
 * end in "cannot write". The messages follow the tools' one format,
 * {@code invalid --json '/missing/dir/x.json': directory /missing/dir does not exist}.
 */
public final class OutputFiles {
    /** The name that means standard output, where an option allows it. */
    public static final String STDOUT = "-";
    /** The kernel's views of itself: files there are no place for a report. */
    private static final Set<String> PSEUDO_FILESYSTEMS = Set.of("proc", "sysfs");

    private OutputFiles() {}

    /**
     * The file {@code text} names, if it can be created or overwritten now.
     *
     * @param option the option's long name, for the message
     * @throws UsageException when the folder is missing or not writable, or the file is a folder or read-only
     */
    public static Path checkWritable(String option, String text) throws UsageException {
        Path file;
        try {
            file = Path.of(text);
        } catch (InvalidPathException e) {
            throw invalid(option, text, "not a path (" + e.getReason() + ")");
        }
        if (text.isBlank()) {
            throw invalid(option, text, "expected a file name");
        }
        if (Files.isDirectory(file)) {
            throw invalid(option, text, text + " is a directory");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.exists(parent)) {
            throw invalid(option, text, "directory " + parent + " does not exist");
        }
        if (!Files.isDirectory(parent)) {
            throw invalid(option, text, parent + " is not a directory");
        }
        // What the write will meet: the file if it is there, else the directory it is created in.
        boolean fileExists = Files.exists(file);
        Path existing = fileExists ? file : parent;
        String store = fileStoreType(existing);
        if (PSEUDO_FILESYSTEMS.contains(store)) {
            // As root, access(2) calls these writable and they open for writing: only the write fails, at the end.
            throw invalid(option, text, existing + " is on a " + store + " filesystem, which takes no reports");
        }
        if (!Files.isWritable(existing)) {
            throw invalid(option, text, fileExists ? "the file is not writable"
                    : "directory " + parent + " is not writable");
        }
        return file;
    }

    /** The type of the filesystem {@code path} is on ({@code ext4}, {@code proc}), or "" if it cannot be told. */
    private static String fileStoreType(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }

    /** Why writing failed, in a few words: the JDK's exceptions often carry only the path. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage();
    }

    private static UsageException invalid(String option, String text, String why) {
        return new UsageException("invalid --" + option + " '" + text + "': " + why);
    }
}
