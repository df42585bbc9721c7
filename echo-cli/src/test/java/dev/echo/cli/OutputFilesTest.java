package dev.echo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFileInAnExistingDirectoryMayBeWrittenAndIsNotCreatedByTheCheck() throws Exception {
        Path file = dir.resolve("report.json");
        assertEquals(file, OutputFiles.checkWritable("json", file.toString()));
        assertEquals(false, Files.exists(file), "the check must not leave a file behind");
    }

    @Test
    void eachUnwritablePathIsOneLineSayingWhy() throws Exception {
        Path regular = Files.writeString(dir.resolve("plain"), "x");
        assertUsage("invalid --json '" + dir + "': " + dir + " is a directory", dir.toString());
        assertUsage("invalid --json '" + dir.resolve("missing/x.json") + "': directory " + dir.resolve("missing")
                + " does not exist", dir.resolve("missing/x.json").toString());
        assertUsage("invalid --json '" + regular.resolve("x.json") + "': " + regular + " is not a directory",
                regular.resolve("x.json").toString());
        assertUsage("invalid --json ' ': expected a file name", " ");
        assertUsage("invalid --json 'a\0b': not a path (Nul character not allowed)", "a\0b");
    }

    /**
     * As root, access(2) calls every file writable, and /proc/version opens for writing too: only the
     * write at the end of a run failed (EIO).
     */
    @Test
    void aFileOfTheKernelsPseudoFilesystemsIsRefused() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/proc/version")), "a Linux /proc");
        assertUsage("invalid --json '/proc/version': /proc/version is on a proc filesystem, which takes no reports",
                "/proc/version");
        assertUsage("invalid --json '/proc/report.json': /proc is on a proc filesystem, which takes no reports",
                "/proc/report.json");
    }

    @Test
    void aFailedWriteIsSaidInWordsNotTheExceptionsClass() {
        assertEquals("no such file or directory", OutputFiles.reason(new NoSuchFileException("/x/y")));
        assertEquals("permission denied", OutputFiles.reason(new AccessDeniedException("/x")));
        assertEquals("disk full", OutputFiles.reason(new IOException("disk full")));
    }

    private static void assertUsage(String expected, String path) {
        assertEquals(expected, assertThrows(UsageException.class, () -> OutputFiles.checkWritable("json", path)).getMessage());
    }
}
