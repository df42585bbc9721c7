package dev.echo.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.cli.ReadmeTables;
import dev.echo.core.tls.PemFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void writesTheSetAndSaysWhatItWrote() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, run(certs.toString(), "--name", "echo.test,10.0.0.5", "--days", "2"));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, out.toString(StandardCharsets.UTF_8));
        assertEquals("wrote " + String.join(", ", DevCertificateSet.FILE_NAMES.stream()
                .map(n -> certs.resolve(n).toString()).toList()), lines[0]);
        assertTrue(lines[1].startsWith("server: CN=localhost; SANs DNS:localhost, IP:127.0.0.1, IP:::1, DNS:echo.test,"
                + " IP:10.0.0.5; serial "), lines[1]);
        assertTrue(lines[2].startsWith("client: CN=echo client; no SANs; serial "), lines[2]);
        assertTrue(lines[1].contains("; not after "), lines[1]);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertTrue(PemFiles.matches(PemFiles.privateKey(certs.resolve("server.key")),
                PemFiles.certificates(certs.resolve("server.pem")).get(0)));
    }

    /** A set written but not announced ({@code > /dev/full}) is exit 1 with one line, not a silent success. */
    @Test
    void aStdoutThatTakesNothingIsExitOne() {
        PrintStream full = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        });
        int code = Main.run(new String[] {dir.toString()}, full, new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        assertEquals("echo-certs: cannot write to standard output\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(Files.exists(dir.resolve("server.pem")), "the set is written all the same");
    }

    @Test
    void refusesToReplaceFilesWithoutForce() throws Exception {
        assertEquals(0, run(dir.toString()));
        byte[] before = Files.readAllBytes(dir.resolve("ca.pem"));
        assertEquals(2, run(dir.toString()));
        assertEquals("echo-certs: " + dir.resolve("ca.pem") + " exists; give --force to replace the set\n",
                err.toString(StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("ca.pem"))), "ca.pem was replaced");
        assertEquals(0, run(dir.toString(), "--force"));
        assertTrue(!java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("ca.pem"))), "--force did not replace");
    }

    @Test
    void usageMistakesAreOneLineAndExitTwo() throws Exception {
        assertUsage("echo-certs: missing DIR: where to write the certificates");
        assertUsage("echo-certs: one DIR expected, got 2: a b", "a", "b");
        assertUsage("echo-certs: invalid DIR '': expected a value that is not blank", ""); // a script's unset "$DIR"
        assertUsage("echo-certs: invalid --days '0': expected a whole number from 1 to 3650", dir.toString(), "--days", "0");
        assertUsage("echo-certs: invalid --name 'bad name': expected DNS names or IP addresses, comma-separated",
                dir.toString(), "--name", "bad name");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertUsage("echo-certs: " + file + " is not a directory", file.toString());
        assertEquals(List.of("file"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
    }

    /** A directory that cannot be made: one line in words (it named java.nio.file.NoSuchFileException), exit 1. */
    @Test
    void aDirectoryThatCannotBeWrittenIsOneLineInWords() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path under = file.resolve("certs"); // under a regular file: no such directory can be made
        assertEquals(1, run(under.toString()));
        String line = err.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("echo-certs: cannot write into " + under + ": ") && line.indexOf('\n') == line.length() - 1,
                "one line: " + line);
        assertTrue(!line.contains("Exception"), "in words, not an exception's class: " + line);
    }

    @Test
    void helpNamesTheOptions() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--name") && help.contains("--days") && help.contains("--force"), help);
    }

    @Test
    void theReadmeTableIsTheOptionsTable() throws Exception {
        assertEquals(Main.SPEC.markdownTable(), ReadmeTables.table(Path.of("../README.md"), Main.NAME),
                "README's echo-certs table is stale: replace it with Main.SPEC.markdownTable()");
    }

    private void assertUsage(String expected, String... args) {
        err.reset();
        assertEquals(2, run(args), String.join(" ", args));
        assertEquals(expected + "\n", err.toString(StandardCharsets.UTF_8));
    }
}
